#!/bin/sh
# Builds the optional native NN kernel backend (native/lfl_kernels.c, an N-API addon) with npm's bundled
# node-gyp. Without it everything runs on the TypeScript kernels (bit-identical results, ~2.4× slower updates).
# Select a backend with LFL_KERNELS=ts|native|auto (default auto: native when built).
set -e
cd "$(dirname "$0")/../native"
NODE_GYP="$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js"
node "$NODE_GYP" rebuild --nodedir="${NODE_DIR:-/usr}" --loglevel=warn
echo "built $(pwd)/build/Release/lfl_kernels.node"
