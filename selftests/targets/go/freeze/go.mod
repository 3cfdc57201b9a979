module gosnap.test/freeze

go 1.19
