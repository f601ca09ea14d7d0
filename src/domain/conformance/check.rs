//! The properties of a merchant's notification handler a run checks, and what a correct
//! merchant does for each.

use super::report::Expectation;

/// One property of a merchant's notification handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// A valid notification is acknowledged.
    AcceptsValid,
    /// The same bytes again are acknowledged again.
    AcceptsDuplicate,
    /// A tampered `sign` is refused.
    RejectsForgedSign,
    /// A notification without `sign` is refused.
    RejectsMissingSign,
    /// A notification created long ago is still acknowledged.
    AcceptsLateDelivery,
    /// A close delivered before its earlier open is acknowledged, and so is the open.
    AcceptsCloseBeforeOpen,
    /// A valid payment notification with its random extra field is acknowledged.
    AcceptsRandomField,
    /// A payment notification without `signType`, signed MD5, is acknowledged.
    AcceptsLegacyMd5,
    /// The refund notification of a paid order is acknowledged.
    AcceptsRefundAfterPayment,
}

impl Check {
    /// The checks of the Pay Score battery, in the order they run.
    #[cfg(test)]
    pub const PAYSCORE: [Check; 6] = [
        Check::AcceptsValid,
        Check::AcceptsDuplicate,
        Check::RejectsForgedSign,
        Check::RejectsMissingSign,
        Check::AcceptsLateDelivery,
        Check::AcceptsCloseBeforeOpen,
    ];

    /// The checks of the payment battery, in the order they run.
    #[cfg(test)]
    pub const PAYMENT: [Check; 5] = [
        Check::AcceptsRandomField,
        Check::AcceptsDuplicate,
        Check::RejectsForgedSign,
        Check::AcceptsLegacyMd5,
        Check::AcceptsRefundAfterPayment,
    ];

    /// The name in the report.
    pub fn name(self) -> &'static str {
        match self {
            Check::AcceptsValid => "accepts_valid",
            Check::AcceptsDuplicate => "accepts_duplicate",
            Check::RejectsForgedSign => "rejects_forged_sign",
            Check::RejectsMissingSign => "rejects_missing_sign",
            Check::AcceptsLateDelivery => "accepts_late_delivery",
            Check::AcceptsCloseBeforeOpen => "accepts_close_before_open",
            Check::AcceptsRandomField => "accepts_random_field",
            Check::AcceptsLegacyMd5 => "accepts_legacy_md5",
            Check::AcceptsRefundAfterPayment => "accepts_refund_after_payment",
        }
    }

    /// One sentence on what is checked.
    pub fn description(self) -> &'static str {
        match self {
            Check::AcceptsValid => {
                "A correctly signed PAYSCORE.USER_OPEN_SERVICE notification must be acknowledged."
            }
            Check::AcceptsDuplicate => {
                "The same notification again, byte for byte with the same id or notifyId, must be acknowledged again, because ChinaUMS redelivers until it is."
            }
            Check::RejectsForgedSign => {
                "A notification whose sign was tampered with must not be acknowledged."
            }
            Check::RejectsMissingSign => {
                "A notification without sign and signType must not be acknowledged."
            }
            Check::AcceptsLateDelivery => {
                "A valid notification created 23 hours ago, as the last retries are, must be acknowledged."
            }
            Check::AcceptsCloseBeforeOpen => {
                "A USER_CLOSE_SERVICE delivered before the earlier USER_OPEN_SERVICE of the same user must be acknowledged, and so must that open."
            }
            Check::AcceptsRandomField => {
                "A correctly signed payment-result notification must be acknowledged, with the random two-letter extra field every real one carries."
            }
            Check::AcceptsLegacyMd5 => {
                "A payment-result notification without signType, signed MD5 with the md5Key as legacy channels send it, must be acknowledged."
            }
            Check::AcceptsRefundAfterPayment => {
                "The refund notification (status TRADE_REFUND, with the refund's fields) of the order paid in the first check must be acknowledged."
            }
        }
    }

    /// What a correct merchant does.
    pub fn expectation(self) -> Expectation {
        match self {
            Check::RejectsForgedSign | Check::RejectsMissingSign => Expectation::Rejected,
            _ => Expectation::Acknowledged,
        }
    }
}
