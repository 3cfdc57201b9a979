module gosnap.test/pcline-oracle

go 1.19
