/**
 * The worker of the frame-transfer test: answers each frame it receives with its length and
 * the sum of its bytes, computed on the worker's side of the transfer.
 */
/// <reference lib="deno.worker" />
self.onmessage = (e: MessageEvent<{ uniqueId: number; value: Uint8Array }>) => {
  const { uniqueId, value } = e.data;
  let sum = 0;
  for (const b of value) sum += b;
  self.postMessage({ uniqueId, length: value.length, sum });
};
