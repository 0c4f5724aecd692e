/**
 * A three.js view of a MuJoCo model: one group per body (pose from the replayed frame's xpos/xquat), one mesh per
 * geom at its local pose (geom_pos/geom_quat) with its primitive shape (plane, sphere, capsule, ellipsoid,
 * cylinder, box; MuJoCo sizes are half-lengths and the shape axis is local z). Works in MuJoCo's frame (z up).
 */
import * as THREE from "three";
import type { Frame } from "./mujoco-replay.ts";

export interface ModelArrays {
  geom_type: number[];
  geom_size: number[];
  geom_bodyid: number[];
  geom_pos: number[];
  geom_quat: number[];
  geom_rgba: number[];
  geom_group: number[];
}

export class MujocoScene {
  readonly canvas: HTMLCanvasElement;
  private renderer: THREE.WebGLRenderer;
  private scene = new THREE.Scene();
  private camera: THREE.PerspectiveCamera;
  private bodies: THREE.Group[] = [];
  private follow: number;

  constructor(model: ModelArrays, nbody: number, envId: string) {
    this.canvas = document.createElement("canvas");
    this.canvas.className = "scene";
    this.renderer = new THREE.WebGLRenderer({ canvas: this.canvas, antialias: true, preserveDrawingBuffer: true });
    this.camera = new THREE.PerspectiveCamera(45, 1.5, 0.01, 200);
    this.camera.up.set(0, 0, 1);
    this.scene.background = new THREE.Color(0xe9edf3);
    this.scene.add(new THREE.HemisphereLight(0xffffff, 0x667788, 2.2));
    const sun = new THREE.DirectionalLight(0xffffff, 1.6);
    sun.position.set(3, -4, 6);
    this.scene.add(sun);
    for (let b = 0; b < nbody; b++) {
      const g = new THREE.Group();
      this.bodies.push(g);
      this.scene.add(g);
    }
    const ngeom = model.geom_type.length;
    for (let i = 0; i < ngeom; i++) {
      const mesh = this.geomMesh(model, i);
      if (mesh) this.bodies[model.geom_bodyid[i]!]!.add(mesh);
    }
    this.follow = envId === "Reacher-v5" ? 0 : 1;
    if (envId === "Reacher-v5") this.camera.position.set(0, -0.55, 0.55);
  }

  private geomMesh(m: ModelArrays, i: number): THREE.Object3D | null {
    const s = m.geom_size.slice(3 * i, 3 * i + 3);
    const rgba = m.geom_rgba.slice(4 * i, 4 * i + 4);
    const mat = new THREE.MeshStandardMaterial({ color: new THREE.Color(rgba[0], rgba[1], rgba[2]), transparent: rgba[3]! < 1, opacity: rgba[3], roughness: 0.7 });
    let geo: THREE.BufferGeometry;
    let alongZ = false;
    switch (m.geom_type[i]) {
      case 0: { // plane: a chequered floor
        const size = s[0]! > 0 ? s[0]! : 20;
        const tex = new THREE.DataTexture(Uint8Array.from([200, 206, 215, 255, 228, 232, 238, 255, 228, 232, 238, 255, 200, 206, 215, 255]), 2, 2);
        tex.wrapS = tex.wrapT = THREE.RepeatWrapping;
        tex.magFilter = THREE.NearestFilter;
        tex.repeat.set(size, size);
        tex.needsUpdate = true;
        geo = new THREE.PlaneGeometry(2 * size, 2 * (s[1]! > 0 ? s[1]! : size));
        const floor = new THREE.Mesh(geo, new THREE.MeshStandardMaterial({ map: tex, roughness: 1 }));
        this.place(floor, m, i);
        return floor;
      }
      case 2: geo = new THREE.SphereGeometry(s[0], 20, 14); break;
      case 3: geo = new THREE.CapsuleGeometry(s[0], 2 * s[1]!, 6, 14); alongZ = true; break;
      case 4: geo = new THREE.SphereGeometry(1, 20, 14); geo.scale(s[0]!, s[1]!, s[2]!); break;
      case 5: geo = new THREE.CylinderGeometry(s[0], s[0], 2 * s[1]!, 18); alongZ = true; break;
      case 6: geo = new THREE.BoxGeometry(2 * s[0]!, 2 * s[1]!, 2 * s[2]!); break;
      default: return null; // height fields and meshes: not in our models
    }
    if (alongZ) geo.rotateX(Math.PI / 2); // three's capsule/cylinder axis is y; MuJoCo's is z
    const mesh = new THREE.Mesh(geo, mat);
    this.place(mesh, m, i);
    return mesh;
  }

  private place(o: THREE.Object3D, m: ModelArrays, i: number): void {
    o.position.set(m.geom_pos[3 * i]!, m.geom_pos[3 * i + 1]!, m.geom_pos[3 * i + 2]!);
    const q = m.geom_quat.slice(4 * i, 4 * i + 4);
    o.quaternion.set(q[1]!, q[2]!, q[3]!, q[0]!); // MuJoCo: w x y z
  }

  resize(width: number, height: number): void {
    this.renderer.setPixelRatio(Math.min(2, globalThis.devicePixelRatio || 1));
    this.renderer.setSize(width, height, false);
    this.camera.aspect = width / Math.max(1, height);
    this.camera.updateProjectionMatrix();
  }

  show(f: Frame): void {
    this.bodies.forEach((g, b) => {
      g.position.set(f.xpos[3 * b]!, f.xpos[3 * b + 1]!, f.xpos[3 * b + 2]!);
      g.quaternion.set(f.xquat[4 * b + 1]!, f.xquat[4 * b + 2]!, f.xquat[4 * b + 3]!, f.xquat[4 * b]!);
    });
    if (this.follow > 0) {
      const x = f.xpos[3 * this.follow]!, y = f.xpos[3 * this.follow + 1]!;
      this.camera.position.set(x + 0.4, y - 3.2, 1.4);
      this.camera.lookAt(x, y, 0.45);
    } else this.camera.lookAt(0, 0, 0);
    this.renderer.render(this.scene, this.camera);
  }

  dispose(): void {
    this.renderer.dispose();
  }
}
