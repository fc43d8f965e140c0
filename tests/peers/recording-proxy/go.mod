module cargo-attest.test/recording-proxy

go 1.25.0
