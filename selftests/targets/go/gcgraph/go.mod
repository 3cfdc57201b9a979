module gosnap.test/gcgraph

go 1.19
