//! 销账 — the province's daily list of inconsistent records as staff see it: the items with their
//! deadline and alarm ([`items`]), and [`super::report::resend_item`] to report one again.

use chrono::{NaiveDate, Utc};

use bdc_core::access::Permission;
use bdc_core::calendar::WorkCalendar;
use bdc_core::{Actor, ServiceResult};
use bdc_db::{Page, PageRequest};
use bdc_registry::register_api;
use bdc_registry::Services;

use crate::domain::ItemStatus;
use crate::store;
pub use crate::store::ReconItem;

/// How near an open item's deadline is (销账时限预警).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alarm {
    /// Past its deadline.
    Overdue,
    /// At most 1 working day left.
    DueSoon,
}

impl Alarm {
    pub fn code(self) -> &'static str {
        match self {
            Alarm::Overdue => "overdue",
            Alarm::DueSoon => "due_soon",
        }
    }
}

/// An item as the supervision view shows it: with the working days left while it is open.
#[derive(Debug, Clone)]
pub struct ItemView {
    pub item: ReconItem,
    /// Working days left (negative when overdue), while not cleared.
    pub working_days_left: Option<i64>,
    pub alarm: Option<Alarm>,
}

impl ItemView {
    fn of(item: ReconItem, cal: &WorkCalendar, today: NaiveDate) -> ItemView {
        let left = item.deadline.parse::<NaiveDate>().ok().filter(|_| item.status.is_open()).map(|d| cal.working_days_between(today, d));
        let alarm = match left {
            Some(l) if l < 0 => Some(Alarm::Overdue),
            Some(l) if l <= 1 => Some(Alarm::DueSoon),
            _ => None,
        };
        ItemView { item, working_days_left: left, alarm }
    }
}

/// One page of the reconciliation items, nearest deadline first; `status` filters.
pub async fn items(s: &Services, actor: &Actor, status: Option<ItemStatus>, page: PageRequest) -> ServiceResult<Page<ItemView>> {
    actor.require(Permission::CaseRead)?;
    let cal = register_api::working_calendar(s).await?;
    let today = bdc_core::time::business_date(Utc::now());
    let mut conn = s.db.conn().await?;
    let (items, total) = store::items(&mut conn, status, page.limit(), page.offset()).await?;
    Ok(Page { items: items.into_iter().map(|i| ItemView::of(i, &cal, today)).collect(), total, page: page.page, per_page: page.per_page })
}

/// Re-reports an item (补报 / 重报) and returns it as the view shows it.
pub async fn resend(s: &Services, actor: &Actor, item_id: i64) -> ServiceResult<ItemView> {
    let item = super::report::resend_item(s, actor, item_id).await?;
    let cal = register_api::working_calendar(s).await?;
    Ok(ItemView::of(item, &cal, bdc_core::time::business_date(Utc::now())))
}
