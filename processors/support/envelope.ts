/**
 * The encrypted frame, as `encrypt.ts` writes it and `decrypt.ts` reads it. Each frame gets a
 * fresh AES-256-GCM data key, wrapped with the recipient's RSA-OAEP (SHA-256) public key.
 *
 * The encrypted frame is an NTNDArray of uint8: the AES-GCM ciphertext (with its 16-byte tag) of
 * the original pixels, then the original attributes (type and value, pvData-serialized,
 * little-endian), then the length of that attribute block (uint32, little-endian). It keeps the
 * original `uniqueId`, `timeStamp` and `dataTimeStamp`, so that distributors, collectors and
 * accounting work on encrypted streams, and carries in clear the attributes of
 * {@link ENVELOPE_ATTRIBUTES}: the scheme, the IV, the wrapped key, the original dtype, shape,
 * codec and uncompressed size, and optionally a signature. Everything in clear is authenticated:
 * it is the AES-GCM additional data ({@link additionalData}), so changing any of it fails the
 * decryption. A signature (RSA-PSS or ECDSA with SHA-256, by the sender's private key) covers
 * the additional data, the IV, the wrapped key and the SHA-256 of the ciphertext
 * ({@link signedBytes}).
 *
 * @module
 */
import { type DType, type Frame } from "../../runtime/processor/mod.ts";
import {
  scalar,
  scalarArray,
  struct,
  type StructureDesc,
  Writer,
  writeValue,
} from "../../protocol/pvdata/mod.ts";
import { type Codec, CODEC_T, TIME_T } from "../../protocol/nt/mod.ts";

/** The value of the `encryption` attribute: names the scheme and its version. */
export const ENVELOPE_SCHEME = "pvastream:AES-256-GCM+RSA-OAEP-SHA-256:1";

/** The attribute names of an encrypted frame. */
export const ENVELOPE_ATTRIBUTES = {
  scheme: "encryption",
  iv: "encryptionIv",
  wrappedKey: "encryptionWrappedKey",
  dtype: "encryptionDtype",
  shape: "encryptionShape",
  codec: "encryptionCodec",
  uncompressedSize: "encryptionUncompressedSize",
  signature: "encryptionSignature",
  signatureAlgorithm: "encryptionSignatureAlgorithm",
} as const;

/** What an encrypted frame says in clear about the original. */
export interface EnvelopeHeader {
  /** The frame's uniqueId (the encrypted frame's too). */
  uniqueId: number;
  /** The frame's timeStamp (the encrypted frame's too). */
  timeStamp: Frame["timeStamp"];
  /** The frame's dataTimeStamp (the encrypted frame's too). */
  dataTimeStamp: Frame["timeStamp"];
  /** The original element type. */
  dtype: DType;
  /** The original shape, x first. */
  shape: number[];
  /** The original compression (name "" for raw pixels). */
  codec: Codec;
  /** The original uncompressed size in bytes. */
  uncompressedSize: number;
}

const ADDITIONAL_DATA_T: StructureDesc = struct("pvastream:EncryptedFrame:1.0", {
  scheme: scalar("string"),
  uniqueId: scalar("int32"),
  timeStamp: TIME_T,
  dataTimeStamp: TIME_T,
  dtype: scalar("string"),
  shape: scalarArray("int32"),
  codec: CODEC_T,
  uncompressedSize: scalar("int64"),
});

/** The AES-GCM additional data: everything about the frame that travels in clear, serialized. */
export function additionalData(h: EnvelopeHeader): Uint8Array<ArrayBuffer> {
  const w = new Writer(true);
  writeValue(w, ADDITIONAL_DATA_T, {
    scheme: ENVELOPE_SCHEME,
    uniqueId: h.uniqueId,
    timeStamp: h.timeStamp,
    dataTimeStamp: h.dataTimeStamp,
    dtype: h.dtype,
    shape: Int32Array.from(h.shape),
    codec: h.codec,
    uncompressedSize: BigInt(h.uncompressedSize),
  });
  return Uint8Array.from(w.toBytes());
}

/** What a signature covers: the additional data, IV, wrapped key and SHA-256 of the ciphertext. */
export async function signedBytes(
  aad: Uint8Array<ArrayBuffer>,
  iv: Uint8Array<ArrayBuffer>,
  wrappedKey: Uint8Array<ArrayBuffer>,
  ciphertext: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", ciphertext));
  const out = new Uint8Array(aad.length + iv.length + wrappedKey.length + digest.length);
  let at = 0;
  for (const part of [aad, iv, wrappedKey, digest]) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Signature algorithms: RSA-PSS (salt of 32 bytes) or ECDSA (P-256, P-384 or P-521), SHA-256. */
export type SignatureAlgorithm = "RSA-PSS" | "ECDSA";

/** The `signatureAlgorithm` argument. */
export function signatureAlgorithmArg(v: unknown, current: SignatureAlgorithm): SignatureAlgorithm {
  if (v === undefined) return current;
  if (v !== "RSA-PSS" && v !== "ECDSA") {
    throw new TypeError(`signatureAlgorithm: expected "RSA-PSS" or "ECDSA", got ${JSON.stringify(v)}`);
  }
  return v;
}

/** The WebCrypto parameters of sign and verify. */
export function signParams(algorithm: SignatureAlgorithm): RsaPssParams | EcdsaParams {
  return algorithm === "RSA-PSS" ? { name: "RSA-PSS", saltLength: 32 } : { name: "ECDSA", hash: "SHA-256" };
}

const PEM = /-----BEGIN ([A-Z ]+)-----([\s\S]*?)-----END \1-----/;

/**
 * The DER bytes of a PEM file's block, which must carry `label` (`PUBLIC KEY`: SPKI, `PRIVATE
 * KEY`: PKCS#8, the forms WebCrypto imports).
 * @throws {TypeError} naming the file and what it holds instead, with the openssl command that converts it
 */
export function pemBody(
  text: string,
  label: "PUBLIC KEY" | "PRIVATE KEY",
  file: string,
): Uint8Array<ArrayBuffer> {
  const m = PEM.exec(text);
  if (m === null) throw new TypeError(`${file}: no PEM block (-----BEGIN ${label}-----)`);
  if (m[1] !== label) {
    const hint = label === "PRIVATE KEY"
      ? "convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pkcs8.pem"
      : "convert it with: openssl pkey -pubin -in KEY -out KEY.spki.pem (or openssl rsa -RSAPublicKey_in -pubout)";
    throw new TypeError(`${file}: holds a ${m[1]}, expected a ${label}; ${hint}`);
  }
  try {
    return Uint8Array.from(atob(m[2].replace(/\s+/g, "")), (c) => c.charCodeAt(0));
  } catch {
    throw new TypeError(`${file}: the PEM block is not valid base64`);
  }
}

/**
 * Reads a key file (the sandbox needs `read=` for it) and imports it.
 * @throws {TypeError} for a missing argument, another kind of PEM block or a key WebCrypto refuses
 */
export async function importKeyFile(
  file: unknown,
  argName: string,
  label: "PUBLIC KEY" | "PRIVATE KEY",
  algorithms: readonly (RsaHashedImportParams | EcKeyImportParams)[],
  usages: KeyUsage[],
): Promise<CryptoKey> {
  if (typeof file !== "string" || file === "") {
    throw new TypeError(`${argName}: expected the path of a PEM file`);
  }
  const der = pemBody(await Deno.readTextFile(file), label, file);
  const format = label === "PUBLIC KEY" ? "spki" : "pkcs8";
  for (const algorithm of algorithms) {
    try {
      return await crypto.subtle.importKey(format, der, algorithm, false, usages);
    } catch {
      // Another curve or key type: try the next.
    }
  }
  throw new TypeError(`${file}: not a ${algorithms.map((a) => a.name).join(" or ")} ${label.toLowerCase()}`);
}

/** The import parameters for the keys of a signature algorithm (every ECDSA curve WebCrypto has). */
export function signatureKeyParams(
  algorithm: SignatureAlgorithm,
): (RsaHashedImportParams | EcKeyImportParams)[] {
  return algorithm === "RSA-PSS"
    ? [{ name: "RSA-PSS", hash: "SHA-256" }]
    : ["P-256", "P-384", "P-521"].map((namedCurve) => ({ name: "ECDSA", namedCurve }));
}

/** RSA-OAEP with SHA-256: how the data key is wrapped. */
export const WRAP_PARAMS: RsaHashedImportParams = { name: "RSA-OAEP", hash: "SHA-256" };

/** A signature key with its algorithm: the sender's private key, or its public key to verify. */
export interface SignatureKey {
  /** The imported key. */
  key: CryptoKey;
  /** The algorithm it signs or verifies with. */
  algorithm: SignatureAlgorithm;
}

/** What each key argument of encrypt and decrypt holds, and what the key is used for. */
const KEY_ARGS = {
  publicKeyFile: { label: "PUBLIC KEY", usage: "wrapKey" },
  privateKeyFile: { label: "PRIVATE KEY", usage: "unwrapKey" },
  signingKeyFile: { label: "PRIVATE KEY", usage: "sign" },
  verifyKeyFile: { label: "PUBLIC KEY", usage: "verify" },
} as const;

/**
 * Imports the recipient's RSA-OAEP key: the public one wraps each frame's AES key, the private one
 * unwraps it.
 * @param file the argument's value, a PEM file's path
 * @param argName the argument it came from
 * @throws {TypeError} as {@link importKeyFile}
 */
export function importWrapKey(
  file: unknown,
  argName: "publicKeyFile" | "privateKeyFile",
): Promise<CryptoKey> {
  const { label, usage } = KEY_ARGS[argName];
  return importKeyFile(file, argName, label, [WRAP_PARAMS], [usage]);
}

/**
 * Imports the key that signs (`signingKeyFile`) or verifies (`verifyKeyFile`) each frame.
 * @param file the argument's value, a PEM file's path
 * @param argName the argument it came from
 * @param algorithmArg the `signatureAlgorithm` argument (default `RSA-PSS`)
 * @throws {TypeError} for an unknown algorithm, or as {@link importKeyFile}
 */
export async function importSignatureKey(
  file: unknown,
  argName: "signingKeyFile" | "verifyKeyFile",
  algorithmArg: unknown,
): Promise<SignatureKey> {
  const { label, usage } = KEY_ARGS[argName];
  const algorithm = signatureAlgorithmArg(algorithmArg, "RSA-PSS");
  const key = await importKeyFile(file, argName, label, signatureKeyParams(algorithm), [usage]);
  return { key, algorithm };
}

/** Why a frame could not be decrypted; the message names the frame and the problem. */
export class DecryptError extends Error {
  /**
   * Names the problem.
   * @param uniqueId the frame
   * @param problem what is wrong with it
   */
  constructor(uniqueId: number, problem: string) {
    super(`frame ${uniqueId}: ${problem}`);
    this.name = "DecryptError";
  }
}
