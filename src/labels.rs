//! Enums whose variants have fixed names in JSON output and human text.
//! Map: docs/architecture.md#labels

/// Declares a fieldless enum whose variants serialize as the given labels,
/// with `name()` returning the same label for human output: one spelling
/// per state: code matches the variants, never their labels.
macro_rules! labelled_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $label:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// The label, as JSON output spells it.
            #[allow(dead_code)]
            $vis fn name(self) -> &'static str {
                match self {
                    $( $name::$variant => $label, )+
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.name())
            }
        }
    };
}
