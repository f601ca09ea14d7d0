//! From variants to a diagnosis: which mistakes match, and how the received canonical string
//! compares.

use super::{Diagnosis, Variant, first_difference};

/// What ends a canonical string: the appended key, or the body digest.
pub(super) enum Tail {
    Key { len: usize, name: &'static str },
    Digest { part: &'static str },
}

/// A diagnosis before the received canonical string is compared.
pub(super) struct Draft {
    pub rule: &'static str,
    pub expected_canonical: String,
    pub expected_signature: String,
    pub received_signature: String,
    pub valid: bool,
    pub tail: Tail,
    /// The parts of the canonical string in order, with their lengths in characters.
    pub parts: Vec<(&'static str, usize)>,
    pub hints: Vec<String>,
    pub variants: Vec<Variant>,
    pub fallback: String,
}

/// Turns the variants that match into hints, compares the received canonical string when there
/// is one, and falls back to a generic hint when nothing explains a bad signature.
pub(super) fn finish(
    draft: Draft,
    received_canonical: Option<&str>,
    signs_to_received: impl Fn(&str) -> bool,
) -> Diagnosis {
    let Draft {
        rule,
        expected_canonical,
        expected_signature,
        received_signature,
        valid,
        tail,
        parts,
        mut hints,
        variants,
        fallback,
    } = draft;
    let mut explained = false;
    for v in variants.iter().filter(|v| v.matches) {
        hints.push(v.hint.clone());
        explained = true;
    }
    let difference = received_canonical.and_then(|r| first_difference(&expected_canonical, r));
    if let Some(received) = received_canonical {
        if difference.is_none() && !valid && !explained {
            hints.push("the canonical string is right, so the key or the hash is wrong".to_owned());
            explained = true;
        }
        if let Some(diff) = &difference {
            let by_string: Vec<&Variant> = variants
                .iter()
                .filter(|v| v.canonical.as_deref() == Some(received))
                .collect();
            // A known mistake names the difference best, then the last part, then any part.
            for v in by_string.iter().filter(|v| !v.matches) {
                hints.push(v.hint.clone());
            }
            if by_string.is_empty() {
                let named = tail_hint(&tail, &expected_canonical, received)
                    .or_else(|| part_hint(&parts, diff.index));
                hints.extend(named);
            }
            if signs_to_received(received) {
                hints.push(
                    "the signature matches the canonical string the client sent: only that string is wrong"
                        .to_owned(),
                );
            }
            explained = true;
        }
    }
    if !valid && !explained {
        hints.push(fallback);
    }
    Diagnosis {
        rule,
        expected_canonical,
        expected_signature,
        received_signature,
        received_canonical: received_canonical.map(str::to_owned),
        first_difference: difference,
        hints,
    }
}

/// A hint when the received canonical string differs only in its last part.
fn tail_hint(tail: &Tail, expected: &str, received: &str) -> Option<String> {
    match *tail {
        Tail::Key { len, name } => {
            let prefix = expected.get(..expected.len().saturating_sub(len))?;
            // A string that merely goes on after the key is not a key problem.
            let in_key = received.starts_with(prefix) && !received.starts_with(expected);
            in_key.then(|| {
                format!(
                    "the canonical string differs only in the key part: append the {name} itself"
                )
            })
        }
        Tail::Digest { part } => {
            let prefix = expected.get(..expected.len().saturating_sub(64))?;
            let digest = expected.get(prefix.len()..)?;
            let theirs = received.strip_prefix(prefix)?;
            (theirs.len() == 64 && theirs.bytes().all(|b| b.is_ascii_hexdigit())).then(|| {
                format!(
                    "the {part} digest differs: the client signed {theirs}, the {part} received \
                     hashes to {digest}; sign the exact bytes sent (a re-serialised {part} has \
                     another digest)"
                )
            })
        }
    }
}

/// Names the part of the canonical string in which the difference starts.
fn part_hint(parts: &[(&'static str, usize)], index: usize) -> Option<String> {
    let mut end = 0;
    for (name, len) in parts {
        end += len;
        if index < end {
            return Some(format!(
                "the canonical string differs in the {name}, from character {index}"
            ));
        }
    }
    let (last, _) = parts.last()?;
    Some(format!(
        "the client's canonical string goes on after the {last}: nothing follows it"
    ))
}
