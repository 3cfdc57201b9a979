module gosnap.test/reentry

go 1.19
