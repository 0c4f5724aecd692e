/**
 * The MuJoCo runtime in the browser: the npm `mujoco` WASM build (bundled by Vite with its .wasm) loaded through
 * the library's own `MujocoRuntime.load()`, with `compileAsset` reading our MJCF models from the bundle instead of
 * the filesystem. The build uses a SHARED WebAssembly memory, so the page must be cross-origin isolated
 * (the dashboard server sends COOP/COEP; `crossOriginIsolated` is checked here with a clear message).
 */
import { MujocoRuntime } from "../../../src/envs/mujoco/mujoco-runtime.ts";
import ant from "../../../assets/mujoco/ant.xml?raw";
import halfCheetah from "../../../assets/mujoco/half_cheetah.xml?raw";
import hopper from "../../../assets/mujoco/hopper.xml?raw";
import reacher from "../../../assets/mujoco/reacher.xml?raw";

const ASSETS: Record<string, string> = { "ant.xml": ant, "half_cheetah.xml": halfCheetah, "hopper.xml": hopper, "reacher.xml": reacher };

export async function loadBrowserMujoco(): Promise<MujocoRuntime> {
  if (!(globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated) {
    throw new Error("MuJoCo's WASM build needs SharedArrayBuffer, i.e. a cross-origin-isolated page (COOP: same-origin + COEP: require-corp); serve the dashboard with `lfl dashboard`");
  }
  const rt = await MujocoRuntime.load();
  rt.compileAsset = (file: string) => {
    const xml = ASSETS[file];
    if (xml === undefined) throw new Error(`no bundled MJCF model ${file}`);
    return rt.compile(file, xml);
  };
  return rt;
}
