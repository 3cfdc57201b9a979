module gosnap.test/gosym-oracle

go 1.22
