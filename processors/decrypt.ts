/**
 * Decrypts frames encrypted by `encrypt.ts` back into the exact original frame: pixels, dtype,
 * shape, codec, attributes with their pvData types, uniqueId and time stamps. A frame that was
 * changed on the way (ciphertext, IV, wrapped key, any clear attribute, uniqueId or time stamps),
 * that was encrypted for another key, or whose signature does not verify fails with a
 * `DecryptError` naming the frame and the problem; the runtime counts the error and the stream
 * goes on.
 *
 * Arguments:
 * - `privateKeyFile` (required): the recipient's RSA private key, PEM (`BEGIN PRIVATE KEY`,
 *   PKCS#8; `openssl pkcs8 -topk8 -nocrypt` converts a `BEGIN RSA PRIVATE KEY` file); grant it with `read=`.
 * - `verifyKeyFile`: the sender's public key, PEM (`BEGIN PUBLIC KEY`); when given, every frame
 *   must carry a valid signature by its private key.
 * - `signatureAlgorithm` (default `RSA-PSS`): `RSA-PSS` or `ECDSA`, as the sender signs.
 *
 * Statistics: `nDecrypted`, `nRejected`.
 *
 * @module
 */
import {
  type DType,
  type Frame,
  frameFromNTNDArray,
  type Processor,
  type ProcessorArgs,
  processorMain,
} from "../runtime/processor/mod.ts";
import { ARRAY_CONSTRUCTORS, Reader, readType, readValue } from "../protocol/pvdata/mod.ts";
import { type Codec, type NTAttribute, ntNDArray } from "../protocol/nt/mod.ts";
import {
  additionalData,
  DecryptError,
  ENVELOPE_ATTRIBUTES as A,
  ENVELOPE_SCHEME,
  importSignatureKey,
  importWrapKey,
  type SignatureKey,
  signedBytes,
  signParams,
  WRAP_PARAMS,
} from "./support/mod.ts";

/** The clear attribute `name` of an encrypted frame, checked by `ok`. */
function clear<T>(frame: Frame, name: string, ok: (v: unknown) => boolean): T {
  const v = frame.attributes[name];
  if (v === undefined || !ok(v)) {
    throw new DecryptError(frame.uniqueId, `attribute ${name} is missing or malformed`);
  }
  return v as T;
}

const isBytes = (v: unknown) => v instanceof Uint8Array;

/** Decrypts frames for the holder of one RSA private key. */
export class Decrypt implements Processor {
  /** Frames out are the original NTNDArrays. */
  readonly outputType = "frame";
  /** Frames decrypted and refused. */
  readonly statsTypes = { nDecrypted: "ulong", nRejected: "ulong" } as const;
  #recipient: CryptoKey | undefined;
  #verifier: SignatureKey | undefined;
  #nDecrypted = 0;
  #nRejected = 0;

  /** Reads and imports the key files. */
  async configure(args: ProcessorArgs): Promise<void> {
    if (args.privateKeyFile !== undefined || this.#recipient === undefined) {
      this.#recipient = await importWrapKey(args.privateKeyFile, "privateKeyFile");
    }
    if (args.verifyKeyFile !== undefined) {
      this.#verifier = await importSignatureKey(args.verifyKeyFile, "verifyKeyFile", args.signatureAlgorithm);
    }
  }

  /**
   * Decrypts one frame, counting it as decrypted or rejected.
   * @returns the original frame
   * @throws {DecryptError} naming the frame and what is wrong with it
   */
  async process(frame: Frame): Promise<Frame> {
    try {
      const out = await this.#decrypt(frame);
      this.#nDecrypted++;
      return out;
    } catch (e) {
      this.#nRejected++;
      throw e;
    }
  }

  async #decrypt(frame: Frame): Promise<Frame> {
    const id = frame.uniqueId;
    if (frame.attributes[A.scheme] !== ENVELOPE_SCHEME) {
      throw new DecryptError(
        id,
        `not encrypted by this scheme (attribute ${A.scheme} is not ${ENVELOPE_SCHEME})`,
      );
    }
    if (!(frame.data instanceof Uint8Array) || frame.codec.name !== "") {
      throw new DecryptError(id, "the ciphertext is not an uncompressed uint8 array");
    }
    const ciphertext = frame.data as Uint8Array<ArrayBuffer>; // frames never arrive in shared memory
    const iv = clear<Uint8Array<ArrayBuffer>>(
      frame,
      A.iv,
      (v) => isBytes(v) && (v as Uint8Array).length === 12,
    );
    const wrappedKey = clear<Uint8Array<ArrayBuffer>>(frame, A.wrappedKey, isBytes);
    const dtype = clear<DType>(
      frame,
      A.dtype,
      (v) => typeof v === "string" && Object.hasOwn(ARRAY_CONSTRUCTORS, v),
    );
    const shape = [
      ...clear<Int32Array>(frame, A.shape, (v) => v instanceof Int32Array && v.every((n) => n >= 0)),
    ];
    const codec = clear<Codec>(frame, A.codec, (v) => typeof (v as Codec)?.name === "string");
    const size = Number(clear<bigint>(frame, A.uncompressedSize, (v) => typeof v === "bigint" && v >= 0n));
    const aad = additionalData({
      uniqueId: id,
      timeStamp: frame.timeStamp,
      dataTimeStamp: frame.dataTimeStamp,
      dtype,
      shape,
      codec,
      uncompressedSize: size,
    });
    if (this.#verifier !== undefined) await this.#verify(frame, aad, iv, wrappedKey, ciphertext);

    const key = await crypto.subtle.unwrapKey(
      "raw",
      wrappedKey,
      this.#recipient!,
      WRAP_PARAMS,
      "AES-GCM",
      false,
      [
        "decrypt",
      ],
    ).catch(() => {
      throw new DecryptError(
        id,
        "the wrapped key does not open with this private key (another recipient, or altered)",
      );
    });
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData: aad }, key, ciphertext)
      .catch(
        () => {
          throw new DecryptError(
            id,
            "authentication failed: the ciphertext or its clear fields were altered",
          );
        },
      );
    return restore(id, new Uint8Array(plain), { dtype, shape, codec, uncompressedSize: size, frame });
  }

  async #verify(
    frame: Frame,
    aad: Uint8Array<ArrayBuffer>,
    iv: Uint8Array<ArrayBuffer>,
    wrappedKey: Uint8Array<ArrayBuffer>,
    ciphertext: Uint8Array<ArrayBuffer>,
  ): Promise<void> {
    const { key, algorithm } = this.#verifier!;
    const signature = clear<Uint8Array<ArrayBuffer>>(frame, A.signature, isBytes);
    if (frame.attributes[A.signatureAlgorithm] !== algorithm) {
      throw new DecryptError(
        frame.uniqueId,
        `signed with ${frame.attributes[A.signatureAlgorithm]}, expected ${algorithm}`,
      );
    }
    const signed = await signedBytes(aad, iv, wrappedKey, ciphertext);
    if (!await crypto.subtle.verify(signParams(algorithm), key, signature, signed)) {
      throw new DecryptError(frame.uniqueId, "the signature does not verify with verifyKeyFile");
    }
  }

  /** Frames decrypted and refused. */
  stats(): Record<string, number> {
    return { nDecrypted: this.#nDecrypted, nRejected: this.#nRejected };
  }

  /** Zeroes the counts. */
  resetStats(): void {
    this.#nDecrypted = 0;
    this.#nRejected = 0;
  }
}

/**
 * The original frame from the decrypted bytes: pixels first (at offset 0 of their own buffer,
 * so aligned for every dtype), then the attribute block and its length.
 */
function restore(
  id: number,
  plain: Uint8Array<ArrayBuffer>,
  o: { dtype: DType; shape: number[]; codec: Codec; uncompressedSize: number; frame: Frame },
): Frame {
  const view = new DataView(plain.buffer, plain.byteOffset, plain.byteLength);
  const blockLength = plain.length >= 4 ? view.getUint32(plain.length - 4, true) : Infinity;
  const pixelBytes = plain.length - 4 - blockLength;
  if (!(pixelBytes >= 0)) {
    throw new DecryptError(id, "the decrypted frame is shorter than its attribute block");
  }
  const r = new Reader(plain.subarray(pixelBytes, plain.length - 4), true);
  const type = readType(r, "attribute");
  const attributes = type === null ? [] : readValue(r, type) as NTAttribute[];
  const element = o.codec.name === "" ? ARRAY_CONSTRUCTORS[o.dtype] : Uint8Array;
  if (pixelBytes % element.BYTES_PER_ELEMENT !== 0) {
    throw new DecryptError(id, `${pixelBytes} pixel bytes are not a whole number of ${o.dtype} elements`);
  }
  const data = new element(plain.buffer, plain.byteOffset, pixelBytes / element.BYTES_PER_ELEMENT);
  const nd = ntNDArray({
    data,
    dims: o.shape,
    uniqueId: id,
    timeStamp: o.frame.timeStamp,
    dataTimeStamp: o.frame.dataTimeStamp,
    attributes,
    codec: o.codec,
    uncompressedSize: o.codec.name === "" ? undefined : o.uncompressedSize,
  });
  return { ...frameFromNTNDArray(nd), dtype: o.dtype };
}

// `deno run -A processors/decrypt.ts --input-channel ... --processor-args '{"privateKeyFile": "k.pem"}'
//  --processor-permissions read=k.pem` runs a consumer with this processor.
if (import.meta.main) await processorMain(import.meta.url, { className: "Decrypt" });
