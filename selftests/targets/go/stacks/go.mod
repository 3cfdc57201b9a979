module gosnap.test/stacks

go 1.19
