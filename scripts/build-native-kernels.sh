#!/bin/sh
# Builds the optional native NN kernel backend (native/*.c, an N-API addon) into
# native/build/Release/lfl_kernels.node. Without it everything runs on the WebAssembly-SIMD or TypeScript
# kernels (bit-identical results, slower). Select a backend with LFL_KERNELS=ts|wasm|native|native-scalar|native-f32|auto.
#
# The addon is portable: no -march=native; each kernel is compiled for AVX-512, AVX2 and SSE2 and the CPU
# picks at load time. It is compiled straight with the C compiler against Node's own headers (no download);
# when the headers are missing it falls back to npm's bundled node-gyp. The result is written to a temporary
# file and renamed into place, so processes that already loaded the old addon keep running.
# Flags: never -ffast-math and never FMA contraction (-ffp-contract=off): results must stay bit-identical.
# (gemm_f32.c, the opt-in LFL_KERNELS=native-f32 products, uses fused multiply-adds explicitly: intrinsics and
# __builtin_fmaf, which the flag does not touch.)
set -e
cd "$(dirname "$0")/../native"
CC="${CC:-cc}"
CFLAGS="-O3 -ffp-contract=off -fno-trapping-math -fno-math-errno -std=gnu11 -fPIC -pthread -Wall -Wno-unused-function"
NODE_INCLUDE="${NODE_DIR:+$NODE_DIR/include/node}"
[ -n "$NODE_INCLUDE" ] || NODE_INCLUDE="$(node -p "require('path').resolve(process.execPath, '../../include/node')")"
mkdir -p build/Release
if [ -f "$NODE_INCLUDE/node_api.h" ] && command -v "$CC" >/dev/null 2>&1; then
  TMP="build/Release/lfl_kernels.node.tmp.$$"
  "$CC" $CFLAGS -DNODE_GYP_MODULE_NAME=lfl_kernels -I"$NODE_INCLUDE" -shared -o "$TMP" lfl_kernels.c gemm.c gemm_f32.c legacy.c -lm
  mv -f "$TMP" build/Release/lfl_kernels.node
else
  NODE_GYP="$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js"
  node "$NODE_GYP" rebuild --nodedir="${NODE_DIR:-/usr}" --loglevel=warn
fi
echo "built $(pwd)/build/Release/lfl_kernels.node"
