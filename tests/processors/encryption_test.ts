/**
 * encrypt and decrypt in their sandboxes, granted only their key files: every dtype and colour
 * mode comes back as the exact original frame, signed (RSA-PSS, ECDSA) and not; every kind of
 * tampering is a DecryptError counted by the host while the next frame still decrypts; key files
 * of the wrong kind get clear errors.
 */
import assert from "node:assert/strict";
import {
  encodeFrame,
  type Frame,
  frameFromNTNDArray,
  isFrame,
  ntNDArray,
  parsePermissions,
  type ProcessorArgs,
  type ProcessorError,
  type ProcessorHost,
} from "../../mod.ts";
import { ENVELOPE_ATTRIBUTES as A } from "../../processors/support/mod.ts";
import { withHost } from "../runtime/processor/helpers.ts";
import { DTYPES, processorFile, testImage } from "./helpers.ts";
import { type TestKeys, testKeys } from "./keys.ts";

/** Runs encrypt and decrypt with `args` each, granted read access to the keys' directory. */
async function withPair(
  encryptArgs: ProcessorArgs,
  decryptArgs: ProcessorArgs,
  body: (encrypt: ProcessorHost, decrypt: ProcessorHost) => Promise<void>,
  keys: TestKeys,
): Promise<void> {
  const permissions = parsePermissions([`read=${keys.dir}`]);
  await withHost(
    { file: processorFile("encrypt.ts"), args: encryptArgs, permissions, startLimitMs: 120_000 },
    (enc) =>
      withHost(
        { file: processorFile("decrypt.ts"), args: decryptArgs, permissions, startLimitMs: 120_000 },
        (dec) => body(enc, dec),
      ),
  );
}

/** A frame that keeps its own pixels when the original moves to a sandbox. */
function copy(frame: Frame): Frame {
  return { ...frame, data: frame.data.slice() as Frame["data"] };
}

async function only(host: ProcessorHost, frame: Frame): Promise<Frame> {
  const outputs = await host.process(frame);
  assert.equal(outputs.length, 1);
  assert.ok(isFrame(outputs[0]));
  return outputs[0];
}

Deno.test("encrypt → decrypt restores every dtype and colour mode exactly; the encrypted frame hides pixels and attributes", async () => {
  const keys = await testKeys();
  try {
    await withPair(
      { publicKeyFile: keys.recipient.publicKey },
      { privateKeyFile: keys.recipient.privateKey },
      async (enc, dec) => {
        let id = 0;
        let bytes = 0;
        for (const colorMode of [0, 2, 3, 4]) {
          for (const dtype of DTYPES) {
            const frame = testImage({ dtype, colorMode, uniqueId: ++id });
            const original = copy(frame);
            const sealed = await only(enc, frame);
            assert.equal(sealed.dtype, "uint8");
            assert.deepEqual(sealed.shape, [sealed.data.length]);
            assert.equal(sealed.uniqueId, id);
            assert.deepEqual(sealed.timeStamp, original.timeStamp);
            assert.deepEqual(
              Object.keys(sealed.attributes).sort(),
              [A.scheme, A.iv, A.wrappedKey, A.dtype, A.shape, A.codec, A.uncompressedSize].sort(),
            );
            assert.ok(
              sealed.data.length > original.data.byteLength + 20,
              "pixels, attributes, length and tag",
            );
            bytes += original.data.byteLength;
            const restored = await only(dec, sealed);
            assert.deepEqual(restored, original, `${dtype} colour mode ${colorMode}`);
          }
        }
        assert.deepEqual(await enc.stats(), { nEncrypted: BigInt(id), nBytesEncrypted: BigInt(bytes) });
        assert.deepEqual(await dec.stats(), { nDecrypted: BigInt(id), nRejected: 0n });
      },
      keys,
    );
  } finally {
    await Deno.remove(keys.dir, { recursive: true });
  }
});

/** Changes an encrypted frame in one way. */
type Tamper = (sealed: Frame) => Frame;

const flipByte = (bytes: Uint8Array, at = 0) => {
  const out = bytes.slice();
  out[at] ^= 1;
  return out;
};

const TAMPERING: [string, Tamper, RegExp][] = [
  ["a ciphertext byte", (f) => ({ ...f, data: flipByte(f.data as Uint8Array, 5) }), /authentication failed/],
  [
    "the IV",
    (f) => ({ ...f, attributes: { ...f.attributes, [A.iv]: flipByte(f.attributes[A.iv] as Uint8Array) } }),
    /authentication failed/,
  ],
  [
    "the wrapped key",
    (f) => ({
      ...f,
      attributes: {
        ...f.attributes,
        [A.wrappedKey]: flipByte(f.attributes[A.wrappedKey] as Uint8Array, 100),
      },
    }),
    /wrapped key does not open/,
  ],
  [
    "the clear shape",
    (f) => ({ ...f, attributes: { ...f.attributes, [A.shape]: Int32Array.from([3, 5]) } }),
    /authentication failed/,
  ],
  [
    "the clear dtype",
    (f) => ({ ...f, attributes: { ...f.attributes, [A.dtype]: "int16" } }),
    /authentication failed/,
  ],
  ["the uniqueId", (f) => ({ ...f, uniqueId: f.uniqueId + 1 }), /authentication failed/],
  [
    "the time stamp",
    (f) => ({ ...f, timeStamp: { ...f.timeStamp, nanoseconds: f.timeStamp.nanoseconds + 1 } }),
    /authentication failed/,
  ],
  [
    "a truncated ciphertext",
    (f) => ({ ...f, data: (f.data as Uint8Array).slice(0, 10) }),
    /authentication failed/,
  ],
  [
    "no IV",
    (f) => ({ ...f, attributes: { ...f.attributes, [A.iv]: undefined! } }),
    /attribute encryptionIv is missing/,
  ],
  [
    "a frame never encrypted",
    () => testImage({ dtype: "uint8", uniqueId: 99 }),
    /not encrypted by this scheme/,
  ],
];

Deno.test("decrypt: every kind of tampering is a DecryptError, counted, and the next frame still decrypts", async () => {
  const keys = await testKeys();
  try {
    await withPair(
      { publicKeyFile: keys.recipient.publicKey },
      { privateKeyFile: keys.recipient.privateKey },
      async (enc, dec) => {
        for (const [i, [what, tamper, error]] of TAMPERING.entries()) {
          const original = copy(testImage({ dtype: "uint16", colorMode: 2, uniqueId: 2 * i }));
          const sealed = await only(enc, copy(original));
          await assert.rejects(dec.process(tamper(sealed)), (e: ProcessorError) => {
            assert.match(e.message, error, what);
            assert.equal(e.errorName, "DecryptError", what);
            return true;
          });
          const next = copy(testImage({ dtype: "float32", uniqueId: 2 * i + 1 }));
          assert.deepEqual(await only(dec, await only(enc, copy(next))), next, `after ${what}`);
        }
        assert.equal(dec.counters.errors, TAMPERING.length);
        assert.deepEqual(await dec.stats(), {
          nDecrypted: BigInt(TAMPERING.length),
          nRejected: BigInt(TAMPERING.length),
        });
      },
      keys,
    );
  } finally {
    await Deno.remove(keys.dir, { recursive: true });
  }
});

Deno.test("encrypt/decrypt with signatures: RSA-PSS and ECDSA verify; unsigned, wrongly signed or re-signed frames are refused", async () => {
  const keys = await testKeys();
  try {
    for (
      const [algorithm, signer, other] of [
        ["RSA-PSS", keys.rsaSigner, keys.ecSigner],
        ["ECDSA", keys.ecSigner, keys.rsaSigner],
      ] as const
    ) {
      const decryptArgs = {
        privateKeyFile: keys.recipient.privateKey,
        verifyKeyFile: signer.publicKey,
        signatureAlgorithm: algorithm,
      };
      await withPair(
        {
          publicKeyFile: keys.recipient.publicKey,
          signingKeyFile: signer.privateKey,
          signatureAlgorithm: algorithm,
        },
        decryptArgs,
        async (enc, dec) => {
          const frame = copy(testImage({ dtype: "int32", colorMode: 4, uniqueId: 1 }));
          const sealed = await only(enc, copy(frame));
          assert.equal(sealed.attributes[A.signatureAlgorithm], algorithm);
          const forged = {
            ...sealed,
            attributes: {
              ...sealed.attributes,
              [A.signature]: flipByte(sealed.attributes[A.signature] as Uint8Array, 3),
            },
          };
          await assert.rejects(dec.process(copy(forged)), /signature does not verify/, algorithm);
          assert.deepEqual(await only(dec, sealed), frame, algorithm);
        },
        keys,
      );
      // The same recipient's key, but frames from an unsigned sender or signed by someone else.
      for (
        const encryptArgs of [
          { publicKeyFile: keys.recipient.publicKey },
          {
            publicKeyFile: keys.recipient.publicKey,
            signingKeyFile: other.privateKey,
            signatureAlgorithm: algorithm === "RSA-PSS" ? "ECDSA" : "RSA-PSS",
          },
        ]
      ) {
        await withPair(encryptArgs, decryptArgs, async (enc, dec) => {
          const sealed = await only(enc, testImage({ dtype: "uint8", uniqueId: 2 }));
          await assert.rejects(dec.process(sealed), /encryptionSignature is missing|signed with/, algorithm);
        }, keys);
      }
    }
  } finally {
    await Deno.remove(keys.dir, { recursive: true });
  }
});

Deno.test("decrypt: a frame for another recipient is refused; key files of the wrong kind get clear errors", async () => {
  const keys = await testKeys();
  try {
    await withPair(
      { publicKeyFile: keys.otherRecipient.publicKey },
      { privateKeyFile: keys.recipient.privateKey },
      async (enc, dec) => {
        const sealed = await only(enc, testImage({ dtype: "uint8", uniqueId: 1 }));
        await assert.rejects(dec.process(sealed), /does not open with this private key/);
      },
      keys,
    );
    const rsaPkcs1 = `${keys.dir}/pkcs1.pem`;
    await Deno.writeTextFile(
      rsaPkcs1,
      "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n",
    );
    const permissions = parsePermissions([`read=${keys.dir}`]);
    const start = (file: string, args: ProcessorArgs) =>
      withHost(
        { file: processorFile(file), args, permissions, startLimitMs: 120_000 },
        () => Promise.resolve(),
      );
    await assert.rejects(
      start("decrypt.ts", { privateKeyFile: rsaPkcs1 }),
      /holds a RSA PRIVATE KEY.*openssl pkcs8 -topk8/,
    );
    await assert.rejects(
      start("decrypt.ts", { privateKeyFile: keys.recipient.publicKey }),
      /holds a PUBLIC KEY, expected a PRIVATE KEY/,
    );
    await assert.rejects(
      start("encrypt.ts", { publicKeyFile: keys.ecSigner.publicKey }),
      /not a RSA-OAEP public key/,
    );
    await assert.rejects(start("encrypt.ts", {}), /publicKeyFile: expected the path of a PEM file/);
    await assert.rejects(
      withHost({
        file: processorFile("encrypt.ts"),
        args: { publicKeyFile: keys.recipient.publicKey },
        startLimitMs: 120_000,
      }, () => Promise.resolve()),
      /NotCapable|read access/,
      "without read= the key file cannot be read",
    );
  } finally {
    await Deno.remove(keys.dir, { recursive: true });
  }
});

Deno.test("encrypt → decrypt keeps a compressed frame compressed: codec, parameters, sizes and bytes", async () => {
  const keys = await testKeys();
  try {
    await withPair(
      { publicKeyFile: keys.recipient.publicKey },
      { privateKeyFile: keys.recipient.privateKey },
      async (enc, dec) => {
        for (const codec of ["lz4", "bslz4"] as const) {
          const plain = ntNDArray({
            data: Uint16Array.from({ length: 600 }, (_, i) => i % 37),
            dims: [30, 20],
            uniqueId: 5,
          });
          const packed = frameFromNTNDArray(encodeFrame(plain, codec));
          assert.equal(packed.codec.name, codec);
          const original = copy(packed);
          const restored = await only(dec, await only(enc, packed));
          assert.deepEqual(restored, original, codec);
          assert.equal(restored.dtype, "uint16");
          assert.equal(restored.uncompressedSize, 1200);
        }
      },
      keys,
    );
  } finally {
    await Deno.remove(keys.dir, { recursive: true });
  }
});
