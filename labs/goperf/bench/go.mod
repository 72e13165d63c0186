module goperf

go 1.19
