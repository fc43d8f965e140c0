module cargo-attest.test/oidc-issuer

go 1.25.0
