// The sandbox under Testcontainers in a Go test. Run `go mod tidy` first: it writes go.sum.
module example.com/merchant/chinaums-sandbox-test

go 1.25.0

require github.com/testcontainers/testcontainers-go v0.44.0
