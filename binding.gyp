{
  "targets": [
    {
      "target_name": "amber_native",
      "sources": [ "<!@(ls -1 native/*.c)" ],
      "cflags": [ "-std=gnu11", "-Wall", "-Wextra", "-Werror", "-O2" ],
      "defines": [ "NAPI_VERSION=8", "_GNU_SOURCE" ]
    }
  ]
}
