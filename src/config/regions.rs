//! Region names for completion: the standard AWS regions, and those the user's files name.

use std::collections::BTreeSet;

use super::Files;

/// The public AWS regions (commercial, GovCloud, China). The one list awsp keeps; completion
/// of `--region` offers these and every region the user's files name.
pub const AWS_REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "cn-north-1",
    "cn-northwest-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-gov-east-1",
    "us-gov-west-1",
    "us-west-1",
    "us-west-2",
];

/// The standard regions and the `region` / `sso_region` values in the process environment's
/// files, sorted; a missing or broken file adds nothing (completion must stay quiet).
pub fn regions_for_completion() -> Vec<String> {
    let mut regions: BTreeSet<String> = AWS_REGIONS.iter().map(|r| r.to_string()).collect();
    if let Ok(files) = Files::load() {
        if let Ok(set) = files.parse() {
            for section in set.profiles().into_iter().chain(set.sso_sessions()) {
                for key in ["region", "sso_region"] {
                    if let Some(value) = section.get(key) {
                        // A name, not free text: nothing with spaces or controls.
                        if !value.is_empty() && value.bytes().all(|b| b.is_ascii_graphic()) {
                            regions.insert(value.to_string());
                        }
                    }
                }
            }
        }
    }
    regions.into_iter().collect()
}
