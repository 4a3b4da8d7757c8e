//! The envelope of every list the API answers (分页): one page of items and the total.

use serde::Serialize;
use utoipa::ToSchema;

/// A page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageDto<T> {
    pub items: Vec<T>,
    /// Rows matching the conditions, over all pages.
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

impl<T> PageDto<T> {
    /// One page of a list held in memory (short lists: roles, permissions, a year's calendar).
    pub fn slice(all: Vec<T>, page: bdc_db::PageRequest) -> Self {
        let total = i64::try_from(all.len()).unwrap_or(i64::MAX);
        let skip = usize::try_from(page.offset()).unwrap_or(usize::MAX);
        let items = all.into_iter().skip(skip).take(page.per_page as usize).collect();
        PageDto { items, total, page: page.page, per_page: page.per_page }
    }

    /// A page read from the store, each item mapped to its DTO.
    pub fn map<U>(p: bdc_db::Page<U>, f: impl FnMut(U) -> T) -> Self {
        PageDto { items: p.items.into_iter().map(f).collect(), total: p.total, page: p.page, per_page: p.per_page }
    }
}
