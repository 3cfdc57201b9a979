module gosnap.test/objects

go 1.19
