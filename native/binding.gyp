{
  "targets": [
    {
      "target_name": "lfl_kernels",
      "sources": ["lfl_kernels.c"],
      "cflags": ["-O3", "-march=native", "-ffp-contract=off", "-fno-trapping-math", "-fno-math-errno", "-std=gnu11"],
      "cflags!": ["-O2"]
    }
  ]
}
