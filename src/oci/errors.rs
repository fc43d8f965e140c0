//! The error codes of the distribution spec: what a registry puts in
//! `errors[].code` of an error answer, parsed once so that code branches on
//! the code, not on the text of the body.

use serde::Deserialize;

/// One `errors[].code`: the distribution spec's, docker distribution's
/// `TAG_INVALID`, or any other a registry sends.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(crate) enum ErrorCode {
    BlobUnknown,
    BlobUploadInvalid,
    BlobUploadUnknown,
    DigestInvalid,
    ManifestBlobUnknown,
    ManifestInvalid,
    ManifestUnknown,
    NameInvalid,
    NameUnknown,
    SizeInvalid,
    Unauthorized,
    Denied,
    Unsupported,
    #[serde(rename = "TOOMANYREQUESTS")]
    TooManyRequests,
    /// docker distribution's refusal of a tag (GAR sends it for an
    /// immutable tag).
    TagInvalid,
    /// A code outside the list, as sent.
    #[serde(untagged)]
    Other(String),
}

impl ErrorCode {
    /// The codes of an error answer's body (`{"errors": [{"code": ...}]}`),
    /// in order; none for a body of any other shape.
    pub(crate) fn all_in(body: &[u8]) -> Vec<ErrorCode> {
        #[derive(Deserialize)]
        struct Errors {
            errors: Vec<Item>,
        }
        #[derive(Deserialize)]
        struct Item {
            #[serde(default)]
            code: Option<ErrorCode>,
        }
        serde_json::from_slice::<Errors>(body)
            .map(|e| e.errors.into_iter().filter_map(|i| i.code).collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_from_error_answers() {
        let body = br#"{"errors":[
            {"code":"MANIFEST_UNKNOWN","message":"manifest unknown"},
            {"code":"TOOMANYREQUESTS"},
            {"code":"TAG_INVALID","message":"immutable","detail":{"x":1}},
            {"code":"QUOTA_EXCEEDED"},
            {"message":"no code"}
        ]}"#;
        assert_eq!(
            ErrorCode::all_in(body),
            vec![
                ErrorCode::ManifestUnknown,
                ErrorCode::TooManyRequests,
                ErrorCode::TagInvalid,
                ErrorCode::Other("QUOTA_EXCEEDED".into()),
            ]
        );
        for body in [&b""[..], b"not json", b"{}", br#"{"errors":"x"}"#, b"[1]"] {
            assert!(ErrorCode::all_in(body).is_empty());
        }
    }
}
