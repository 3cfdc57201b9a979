module phases

go 1.19
