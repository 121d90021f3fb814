/**
 * Encrypts every frame for one recipient: a fresh AES-256-GCM key per frame encrypts the pixels
 * and the attributes, and is wrapped with the recipient's RSA-OAEP public key (SHA-256); the
 * result is an NTNDArray of uint8 with the same uniqueId and time stamps, which `decrypt.ts`
 * turns back into the exact original frame. The layout and what is authenticated are in
 * `support/envelope.ts` and docs/processors.md. Optionally signs each frame (RSA-PSS or ECDSA,
 * SHA-256) so that the recipient can tell who encrypted it.
 *
 * Arguments:
 * - `publicKeyFile` (required): the recipient's RSA public key, PEM (`BEGIN PUBLIC KEY`, SPKI),
 *   e.g. from `openssl rsa -in private.pem -pubout`; grant it with `read=`.
 * - `signingKeyFile`: the sender's private key, PEM (`BEGIN PRIVATE KEY`, PKCS#8); frames are
 *   signed when given.
 * - `signatureAlgorithm` (default `RSA-PSS`): `RSA-PSS` or `ECDSA` (P-256, P-384, P-521).
 *
 * Statistics: `nEncrypted`, `nBytesEncrypted` (pixel bytes in).
 *
 * @module
 */
import {
  type Frame,
  frameToNTNDArray,
  type Processor,
  type ProcessorArgs,
  processorMain,
} from "../runtime/processor/mod.ts";
import {
  type FieldDesc,
  scalar,
  scalarArray,
  type StructureDesc,
  type Value,
  Writer,
  writeType,
  writeValue,
} from "../protocol/pvdata/mod.ts";
import { CODEC_T } from "../protocol/nt/mod.ts";
import {
  additionalData,
  ENVELOPE_ATTRIBUTES as A,
  ENVELOPE_SCHEME,
  importSignatureKey,
  importWrapKey,
  type SignatureKey,
  signedBytes,
  signParams,
  WRAP_PARAMS,
} from "./support/mod.ts";

/** The original attributes, type and value, as pvData bytes (the NTNDArray `attribute` field). */
function attributeBytes(frame: Frame): Uint8Array {
  const nt = frameToNTNDArray(frame); // no pixel copy: the attribute list is what is used
  const member = (nt.type as StructureDesc).fields.find((f) => f.name === "attribute")!;
  const w = new Writer(true);
  writeType(w, member.type);
  writeValue(w, member.type, (nt.value as Record<string, never>).attribute);
  return w.toBytes();
}

/** Encrypts each frame for the holder of one RSA private key. */
export class Encrypt implements Processor {
  /** Frames out are NTNDArrays of uint8. */
  readonly outputType = "frame";
  /** Frames and pixel bytes encrypted. */
  readonly statsTypes = { nEncrypted: "ulong", nBytesEncrypted: "ulong" } as const;
  #recipient: CryptoKey | undefined;
  #signer: SignatureKey | undefined;
  #nEncrypted = 0;
  #nBytes = 0;

  /** Reads and imports the key files. */
  async configure(args: ProcessorArgs): Promise<void> {
    if (args.publicKeyFile !== undefined || this.#recipient === undefined) {
      this.#recipient = await importWrapKey(args.publicKeyFile, "publicKeyFile");
    }
    if (args.signingKeyFile !== undefined) {
      this.#signer = await importSignatureKey(args.signingKeyFile, "signingKeyFile", args.signatureAlgorithm);
    }
  }

  /**
   * Encrypts one frame.
   * @returns the encrypted frame: uint8, the same uniqueId and time stamps
   */
  async process(frame: Frame): Promise<Frame> {
    const recipient = this.#recipient!;
    const pixels = new Uint8Array(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength);
    const attributes = attributeBytes(frame);
    const plain = new Uint8Array(pixels.length + attributes.length + 4);
    plain.set(pixels);
    plain.set(attributes, pixels.length);
    new DataView(plain.buffer).setUint32(plain.length - 4, attributes.length, true);

    const header = {
      uniqueId: frame.uniqueId,
      timeStamp: frame.timeStamp,
      dataTimeStamp: frame.dataTimeStamp,
      dtype: frame.dtype,
      shape: frame.shape,
      codec: frame.codec,
      uncompressedSize: frame.uncompressedSize,
    };
    const aad = additionalData(header);
    const key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, true, ["encrypt"]);
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const wrappedKey = new Uint8Array(await crypto.subtle.wrapKey("raw", key, recipient, WRAP_PARAMS));
    const ciphertext = new Uint8Array(
      await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: aad }, key, plain),
    );

    const clear: [string, FieldDesc, Value][] = [
      [A.scheme, scalar("string"), ENVELOPE_SCHEME],
      [A.iv, scalarArray("uint8"), iv],
      [A.wrappedKey, scalarArray("uint8"), wrappedKey],
      [A.dtype, scalar("string"), frame.dtype],
      [A.shape, scalarArray("int32"), Int32Array.from(frame.shape)],
      [A.codec, CODEC_T, frame.codec],
      [A.uncompressedSize, scalar("int64"), BigInt(frame.uncompressedSize)],
    ];
    if (this.#signer !== undefined) {
      const { key: signingKey, algorithm } = this.#signer;
      const signed = await signedBytes(aad, iv, wrappedKey, ciphertext);
      const signature = new Uint8Array(await crypto.subtle.sign(signParams(algorithm), signingKey, signed));
      clear.push(
        [A.signature, scalarArray("uint8"), signature],
        [A.signatureAlgorithm, scalar("string"), algorithm],
      );
    }
    this.#nEncrypted++;
    this.#nBytes += pixels.length;
    return {
      data: ciphertext,
      dtype: "uint8",
      shape: [ciphertext.length],
      colorMode: 0,
      attributes: Object.fromEntries(clear.map(([name, , value]) => [name, value])),
      attributeTypes: Object.fromEntries(clear.map(([name, type]) => [name, type])),
      uniqueId: frame.uniqueId,
      timeStamp: frame.timeStamp,
      dataTimeStamp: frame.dataTimeStamp,
      codec: { name: "", parameters: { type: null, value: null } },
      uncompressedSize: ciphertext.length,
    };
  }

  /** Frames and bytes encrypted. */
  stats(): Record<string, number> {
    return { nEncrypted: this.#nEncrypted, nBytesEncrypted: this.#nBytes };
  }

  /** Zeroes the counts. */
  resetStats(): void {
    this.#nEncrypted = 0;
    this.#nBytes = 0;
  }
}

// `deno run -A processors/encrypt.ts --input-channel ... --processor-args '{"publicKeyFile": "k.pem"}'
//  --processor-permissions read=k.pem` runs a consumer with this processor.
if (import.meta.main) await processorMain(import.meta.url, { className: "Encrypt" });
