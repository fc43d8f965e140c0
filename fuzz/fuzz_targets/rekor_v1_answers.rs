#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| cargo_attest::fuzzing::rekor_v1_answers(data));
