module gosnap.test/hello

go 1.19
