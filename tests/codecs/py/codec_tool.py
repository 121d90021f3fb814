"""Compresses and decompresses NTNDArray payloads with the Python lz4, bitshuffle and blosc packages, so the
TypeScript codecs are checked against the real ones.

Usage: codec_tool.py JOBS.json, a list of jobs:
  {"op": "image", "width": w, "height": h, "dtype": "uint16", "seed": n, "output": path}
  {"op": "compress", "codec": "lz4" | "bslz4" | "blosc", "dtype": ..., "input": path, "output": path,
   "cname": blosc compressor, "shuffle": 0 | 1 | 2, "clevel": 0-9}
  {"op": "decompress", "codec": ..., "dtype": ..., "nbytes": uncompressed size, "input": path, "output": path}
Prints one JSON line per job: {"ok": true, "size": bytes written} or {"ok": false, "error": text}.
"""

import json
import sys

import frames


def run(job):
    if job['op'] == 'image':
        return frames.image(job['width'], job['height'], job['dtype'], job['seed']).tobytes()
    with open(job['input'], 'rb') as f:
        data = f.read()
    if job['op'] == 'compress':
        return frames.compress(job['codec'], data, job['dtype'], job.get('cname', 'lz4'), job.get('shuffle', 1),
                               job.get('clevel', 5))
    return frames.decompress(job['codec'], data, job['dtype'], job['nbytes'])


def main():
    with open(sys.argv[1]) as f:
        jobs = json.load(f)
    for job in jobs:
        try:
            out = run(job)
            with open(job['output'], 'wb') as f:
                f.write(out)
            print(json.dumps({'ok': True, 'size': len(out)}))
        except Exception as e:  # a corrupted input is a result to report, not a crash of the tool
            print(json.dumps({'ok': False, 'error': f'{type(e).__name__}: {e}'}))


if __name__ == '__main__':
    main()
