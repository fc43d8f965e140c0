module cargo-attest.test/fault-proxy

go 1.25.0
