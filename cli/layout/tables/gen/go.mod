module gosnap/layoutgen

go 1.19
