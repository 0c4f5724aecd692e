{
  "targets": [
    {
      "target_name": "lfl_kernels",
      "sources": ["lfl_kernels.c", "gemm.c", "gemm_f32.c", "legacy.c"],
      "cflags": ["-O3", "-ffp-contract=off", "-fno-trapping-math", "-fno-math-errno", "-std=gnu11", "-pthread"],
      "cflags!": ["-O2"],
      "ldflags": ["-pthread"]
    }
  ]
}
