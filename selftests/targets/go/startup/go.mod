module gosnap.test/startup

go 1.19
