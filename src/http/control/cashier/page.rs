//! The cashier page's HTML: one template built into the binary, every value escaped.

use super::{payable, settled_text, status_text};
use crate::domain::orders::Cashier;
use crate::protocol::timefmt::datetime_beijing;

/// The template: `{{name}}` slots filled with escaped text or with markup made here.
const TEMPLATE: &str = include_str!("page.html");

/// What the last button press did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Notice {
    /// Paid.
    Paid,
    /// Cancelled: the payment failed.
    Cancelled,
    /// Refused (already paid or closed, …), with the reason.
    Refused(String),
}

/// Text made safe to place in HTML, attributes included.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Fen as yuan with two decimals: `288` → `2.88`.
fn yuan(fen: u64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

/// The template with each `{{name}}` replaced, in one pass (a value is never read as a slot).
fn fill(slots: &[(&str, String)]) -> String {
    let mut html = String::with_capacity(TEMPLATE.len() + 1024);
    let mut rest = TEMPLATE;
    while let Some(start) = rest.find("{{") {
        html.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            rest = &rest[start..];
            break;
        };
        let name = &after[..end];
        match slots.iter().find(|(n, _)| *n == name) {
            Some((_, value)) => html.push_str(value),
            None => html.push_str(&rest[start..start + end + 4]),
        }
        rest = &after[end + 2..];
    }
    html.push_str(rest);
    html
}

fn row(label: &str, value: &str) -> String {
    format!("<dt>{}</dt><dd>{}</dd>", escape(label), escape(value))
}

/// The page of an order or bill, with the buttons while it can be paid, else its outcome.
pub(super) fn render(
    token: &str,
    item: &Cashier,
    merchant: &str,
    notice: Option<Notice>,
) -> String {
    let (label, number, mid, amount, mut details) = match item {
        Cashier::Order(order) => {
            let mut details = vec![row("下单时间 Created", &datetime_beijing(order.created_at))];
            if let Some(desc) = &order.order_desc {
                details.push(row("商品 Item", desc));
            }
            if let Some(sys) = &order.target_sys {
                details.push(row("支付渠道 Channel", sys));
            }
            if let Some(at) = order.pay_time {
                details.push(row("支付时间 Paid", &datetime_beijing(at)));
            }
            (
                "订单号 Order",
                &order.mer_order_id,
                &order.mid,
                order.total_amount,
                details,
            )
        }
        Cashier::Bill(bill) => {
            let mut details = vec![row("账单日期 Date", &bill.bill_date)];
            if let Some(desc) = &bill.bill_desc {
                details.push(row("账单说明 Item", desc));
            }
            (
                "账单号 Bill",
                &bill.bill_no,
                &bill.mid,
                bill.total_amount,
                details,
            )
        }
    };
    if let Some(Notice::Refused(reason)) = &notice {
        details.push(row("未完成 Refused", reason));
    }
    let mut body = String::new();
    if notice == Some(Notice::Cancelled) && payable(item) {
        body.push_str(r#"<p class="result failed" data-testid="result">支付未完成 · Not paid</p>"#);
    }
    if payable(item) {
        let token = escape(token);
        body.push_str(&format!(
            r#"<div class="actions"><form method="post" action="/__mock/cashier/{token}/pay"><button class="pay" type="submit" data-testid="pay">确认支付 · Pay</button></form><form method="post" action="/__mock/cashier/{token}/cancel"><button type="submit" data-testid="cancel">取消 · Cancel</button></form></div>"#
        ));
    } else {
        let (class, text) = settled_text(item);
        body.push_str(&format!(
            r#"<p class="result {class}" data-testid="result">{text}</p>"#
        ));
        let back = match item {
            Cashier::Order(order) => order.return_url.as_deref(),
            Cashier::Bill(_) => None,
        };
        if let Some(url) = back.filter(|u| u.starts_with("http://") || u.starts_with("https://")) {
            body.push_str(&format!(
                r#"<a class="back" data-testid="back" href="{}">返回商户 · Back to the merchant</a>"#,
                escape(url)
            ));
        }
    }
    fill(&[
        ("merchant", escape(merchant)),
        ("amount", yuan(amount)),
        ("numberLabel", escape(label)),
        ("number", escape(number)),
        ("mid", escape(mid)),
        ("status", escape(status_text(item))),
        ("details", details.concat()),
        ("body", body),
    ])
}

/// The page for a token that opens nothing.
pub(super) fn not_found(token: &str) -> String {
    fill(&[
        ("merchant", "chinaums-mock".into()),
        ("amount", "—".into()),
        ("numberLabel", "页面 Page".into()),
        ("number", escape(token)),
        ("mid", "—".into()),
        ("status", "NOT_FOUND".into()),
        ("details", String::new()),
        (
            "body",
            r#"<p class="result closed" data-testid="result">没有这个收银台页面 · No such cashier page (the order or bill is unknown, or was removed)</p>"#.into(),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_values_is_shown_as_text() {
        assert_eq!(
            escape(r#"<b onclick="x">'&'</b>"#),
            "&lt;b onclick=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/b&gt;"
        );
        let html = not_found("<script>");
        assert!(html.contains("&lt;script&gt;") && !html.contains("<script>"));
    }

    #[test]
    fn every_slot_of_the_template_is_filled_once() {
        let html = not_found("{{body}}");
        assert_eq!(
            html.matches("{{").count(),
            1,
            "only the token's own text: {html}"
        );
        assert!(html.contains("<dd data-testid=\"number\">{{body}}</dd>"));
        assert_eq!(yuan(288), "2.88");
        assert_eq!(yuan(5), "0.05");
    }
}
