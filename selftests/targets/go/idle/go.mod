module gosnap.test/idle

go 1.19
