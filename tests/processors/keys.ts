/**
 * Key files for the encryption tests: fresh WebCrypto key pairs written as PEM (SPKI public,
 * PKCS#8 private) into a temporary directory.
 *
 * @module
 */

/** The PEM text of DER bytes under `label`. */
export function pem(label: string, der: ArrayBuffer): string {
  const b64 = btoa(String.fromCharCode(...new Uint8Array(der)));
  return `-----BEGIN ${label}-----\n${b64.match(/.{1,64}/g)!.join("\n")}\n-----END ${label}-----\n`;
}

/** Paths of a key pair's PEM files. */
export interface KeyFiles {
  publicKey: string;
  privateKey: string;
}

/** Generates a key pair and writes `NAME.pub.pem` and `NAME.pem` in `dir`. */
export async function writeKeyPair(
  dir: string,
  name: string,
  algorithm: RsaHashedKeyGenParams | EcKeyGenParams,
  usages: KeyUsage[],
): Promise<KeyFiles> {
  const pair = await crypto.subtle.generateKey(algorithm, true, usages) as CryptoKeyPair;
  const files = { publicKey: `${dir}/${name}.pub.pem`, privateKey: `${dir}/${name}.pem` };
  await Deno.writeTextFile(
    files.publicKey,
    pem("PUBLIC KEY", await crypto.subtle.exportKey("spki", pair.publicKey)),
  );
  await Deno.writeTextFile(
    files.privateKey,
    pem("PRIVATE KEY", await crypto.subtle.exportKey("pkcs8", pair.privateKey)),
  );
  return files;
}

const RSA = { modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" };

/** The key pairs of the tests: two recipients (RSA-OAEP) and two signers (RSA-PSS, ECDSA P-256). */
export interface TestKeys {
  dir: string;
  recipient: KeyFiles;
  otherRecipient: KeyFiles;
  rsaSigner: KeyFiles;
  ecSigner: KeyFiles;
}

/** Writes the test keys into a fresh temporary directory (remove `dir` afterwards). */
export async function testKeys(): Promise<TestKeys> {
  const dir = await Deno.makeTempDir({ prefix: "pvastream-keys-" });
  return {
    dir,
    recipient: await writeKeyPair(dir, "recipient", { name: "RSA-OAEP", ...RSA }, ["encrypt", "decrypt"]),
    otherRecipient: await writeKeyPair(dir, "other", { name: "RSA-OAEP", ...RSA }, ["encrypt", "decrypt"]),
    rsaSigner: await writeKeyPair(dir, "rsa-signer", { name: "RSA-PSS", ...RSA }, ["sign", "verify"]),
    ecSigner: await writeKeyPair(dir, "ec-signer", { name: "ECDSA", namedCurve: "P-256" }, [
      "sign",
      "verify",
    ]),
  };
}
