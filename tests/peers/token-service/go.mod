module cargo-attest.test/token-service

go 1.25.0
