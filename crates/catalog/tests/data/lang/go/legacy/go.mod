// Hand-written for drydock after the go.mod reference (go.dev/ref/mod#go-mod-file),
// as Go 1.16 writes it: only the direct dependencies, the rest in go.sum.
module example.com/legacy

go 1.16

require (
	github.com/gorilla/mux v1.8.0
	golang.org/x/net v0.0.0-20210405180319-a5a99cb37ef4
)
