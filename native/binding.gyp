{
  "targets": [
    {
      "target_name": "lfl_kernels",
      "sources": ["lfl_kernels.c"],
      "cflags": ["-O3", "-march=native", "-ffp-contract=off", "-fno-fast-math", "-std=c11"],
      "cflags!": ["-O2"]
    }
  ]
}
