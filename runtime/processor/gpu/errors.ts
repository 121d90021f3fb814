/**
 * The errors of the GPU helpers.
 *
 * @module
 */

/**
 * WebGPU is missing (the processor lacks the `gpu` grant), no adapter exists, a shader does not
 * compile, or a frame does not fit the device's limits.
 */
export class GpuError extends Error {
  /**
   * Names what went wrong.
   * @param message what went wrong
   */
  constructor(message: string) {
    super(message);
    this.name = "GpuError";
  }
}

/**
 * The device was lost (driver reset, GPU removed, out of memory). Raised in the sandbox as an
 * uncaught error, it ends the sandbox: the host fails the call in flight, counts a crash and
 * starts the processor again, which opens a new device.
 */
export class GpuDeviceLostError extends GpuError {
  /** `"destroyed"` or `"unknown"`, as WebGPU reports it. */
  readonly reason: string;

  /**
   * Says why the device was lost.
   * @param reason WebGPU's reason
   * @param message WebGPU's message
   */
  constructor(reason: string, message: string) {
    super(`the GPU device was lost (${reason}): ${message}`);
    this.name = "GpuDeviceLostError";
    this.reason = reason;
  }
}
