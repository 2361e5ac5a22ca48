//! One way to run a statement on either backend: [`Db`], a connection or transaction of
//! SQLite or PostgreSQL, runs a [`Statement`] whose [`Param`]s it binds as it stores them
//! (an id as a `UUID` on PostgreSQL and as hyphenated text on SQLite, a list of ids as an
//! array or as a JSON array, JSON as `JSONB` or as text), and decodes rows into types
//! that read on both ([`Decoded`], with ids as [`Id`]). Code over `Db` is written once.

use super::StoreError;
use serde_json::Value;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArguments, PgRow, PgTypeInfo, PgValueRef};
use sqlx::sqlite::{SqliteArguments, SqliteRow, SqliteTypeInfo, SqliteValueRef};
use sqlx::types::Json;
use sqlx::{Arguments, Decode, FromRow, PgConnection, Postgres, QueryBuilder, Sqlite};
use sqlx::{SqliteConnection, Type};
use std::borrow::Cow;
use uuid::fmt::Hyphenated;
use uuid::Uuid;

/// A value bound to a statement.
#[derive(Debug, Clone)]
pub(super) enum Param {
    /// An id.
    Id(Option<Uuid>),
    /// Ids, for a dialect's `ids` test (`sql::Dialect::ids`).
    Ids(Vec<Uuid>),
    /// Texts, for the same test.
    Texts(Vec<String>),
    /// Text.
    Text(Option<String>),
    /// A 64-bit integer.
    Int(Option<i64>),
    /// A 32-bit integer.
    Int32(i32),
    /// A boolean.
    Bool(bool),
    /// A JSON value.
    Json(Value),
    /// A `YYYY-MM-DD` day, in a multi-row insert ([`Db::insert_rows`]): a `DATE` on
    /// PostgreSQL, text on SQLite.
    Day(Option<String>),
}

impl From<Uuid> for Param {
    fn from(id: Uuid) -> Self {
        Param::Id(Some(id))
    }
}

impl From<Option<Uuid>> for Param {
    fn from(id: Option<Uuid>) -> Self {
        Param::Id(id)
    }
}

impl From<&[Uuid]> for Param {
    fn from(ids: &[Uuid]) -> Self {
        Param::Ids(ids.to_vec())
    }
}

impl From<&str> for Param {
    fn from(text: &str) -> Self {
        Param::Text(Some(text.to_owned()))
    }
}

impl From<&String> for Param {
    fn from(text: &String) -> Self {
        Param::Text(Some(text.clone()))
    }
}

impl From<String> for Param {
    fn from(text: String) -> Self {
        Param::Text(Some(text))
    }
}

impl From<Option<String>> for Param {
    fn from(text: Option<String>) -> Self {
        Param::Text(text)
    }
}

impl From<i64> for Param {
    fn from(n: i64) -> Self {
        Param::Int(Some(n))
    }
}

impl From<Option<i64>> for Param {
    fn from(n: Option<i64>) -> Self {
        Param::Int(n)
    }
}

impl From<i32> for Param {
    fn from(n: i32) -> Self {
        Param::Int32(n)
    }
}

impl From<Value> for Param {
    fn from(value: Value) -> Self {
        Param::Json(value)
    }
}

impl From<bool> for Param {
    fn from(b: bool) -> Self {
        Param::Bool(b)
    }
}

/// A statement and its parameters (`$1`, `$2`, … in order).
#[derive(Debug, Clone)]
pub(super) struct Statement<'s> {
    sql: Cow<'s, str>,
    params: Vec<Param>,
}

/// A statement with no parameters yet.
pub(super) fn query<'s>(sql: impl Into<Cow<'s, str>>) -> Statement<'s> {
    Statement {
        sql: sql.into(),
        params: Vec::new(),
    }
}

impl Statement<'_> {
    /// Binds the next parameter.
    pub(super) fn bind(mut self, param: impl Into<Param>) -> Self {
        self.params.push(param.into());
        self
    }
}

/// A row type that both backends decode.
pub(super) trait Decoded:
    for<'r> FromRow<'r, PgRow> + for<'r> FromRow<'r, SqliteRow> + Send + Unpin
{
}

impl<T> Decoded for T where
    T: for<'r> FromRow<'r, PgRow> + for<'r> FromRow<'r, SqliteRow> + Send + Unpin
{
}

/// A connection or transaction of either backend.
#[async_trait::async_trait]
pub(super) trait Db: Send {
    /// Every row.
    async fn fetch_all<R: Decoded>(
        &mut self,
        statement: Statement<'_>,
    ) -> Result<Vec<R>, StoreError>;
    /// The first row, if any.
    async fn fetch_optional<R: Decoded>(
        &mut self,
        statement: Statement<'_>,
    ) -> Result<Option<R>, StoreError>;
    /// Runs a statement; answers how many rows it changed.
    async fn execute(&mut self, statement: Statement<'_>) -> Result<u64, StoreError>;
    /// Runs one multi-row statement: `head`, then `VALUES` and the rows, then `tail`.
    async fn insert_rows(
        &mut self,
        head: &str,
        rows: Vec<Vec<Param>>,
        tail: &str,
    ) -> Result<(), StoreError>;

    /// The one row.
    async fn fetch_one<R: Decoded>(&mut self, statement: Statement<'_>) -> Result<R, StoreError> {
        self.fetch_optional(statement)
            .await?
            .ok_or(StoreError::Database(sqlx::Error::RowNotFound))
    }
}

fn pg_arguments(params: Vec<Param>) -> Result<PgArguments, BoxDynError> {
    let mut args = PgArguments::default();
    for param in params {
        match param {
            Param::Id(id) => args.add(id)?,
            Param::Ids(ids) => args.add(ids)?,
            Param::Texts(texts) => args.add(texts)?,
            Param::Text(text) => args.add(text)?,
            Param::Int(n) => args.add(n)?,
            Param::Int32(n) => args.add(n)?,
            Param::Bool(b) => args.add(b)?,
            Param::Json(value) => args.add(Json(value))?,
            Param::Day(day) => args.add(day)?,
        }
    }
    Ok(args)
}

fn sqlite_arguments<'q>(params: Vec<Param>) -> Result<SqliteArguments<'q>, BoxDynError> {
    let mut args = SqliteArguments::default();
    for param in params {
        match param {
            Param::Id(id) => args.add(id.map(|id| id.hyphenated()))?,
            Param::Ids(ids) => args.add(id_list(&ids))?,
            Param::Texts(texts) => args.add(Value::from(texts).to_string())?,
            Param::Text(text) => args.add(text)?,
            Param::Int(n) => args.add(n)?,
            Param::Int32(n) => args.add(n)?,
            Param::Bool(b) => args.add(b)?,
            Param::Json(value) => args.add(Json(value))?,
            Param::Day(day) => args.add(day)?,
        }
    }
    Ok(args)
}

/// Ids as a JSON array, for SQLite's `IN (SELECT value FROM json_each(?))`.
pub(super) fn id_list(ids: &[Uuid]) -> String {
    let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    Value::from(ids).to_string()
}

#[async_trait::async_trait]
impl Db for PgConnection {
    async fn fetch_all<R: Decoded>(
        &mut self,
        statement: Statement<'_>,
    ) -> Result<Vec<R>, StoreError> {
        let args = pg_arguments(statement.params).map_err(sqlx::Error::Encode)?;
        Ok(sqlx::query_as_with(&statement.sql, args)
            .fetch_all(self)
            .await?)
    }

    async fn fetch_optional<R: Decoded>(
        &mut self,
        statement: Statement<'_>,
    ) -> Result<Option<R>, StoreError> {
        let args = pg_arguments(statement.params).map_err(sqlx::Error::Encode)?;
        Ok(sqlx::query_as_with(&statement.sql, args)
            .fetch_optional(self)
            .await?)
    }

    async fn execute(&mut self, statement: Statement<'_>) -> Result<u64, StoreError> {
        let args = pg_arguments(statement.params).map_err(sqlx::Error::Encode)?;
        let done = sqlx::query_with(&statement.sql, args).execute(self).await?;
        Ok(done.rows_affected())
    }

    async fn insert_rows(
        &mut self,
        head: &str,
        rows: Vec<Vec<Param>>,
        tail: &str,
    ) -> Result<(), StoreError> {
        let mut query = QueryBuilder::<Postgres>::new(head);
        query.push_values(rows, |mut row, params| {
            for param in params {
                match param {
                    Param::Id(id) => row.push_bind(id),
                    Param::Ids(ids) => row.push_bind(ids),
                    Param::Texts(texts) => row.push_bind(texts),
                    Param::Text(text) => row.push_bind(text),
                    Param::Int(n) => row.push_bind(n),
                    Param::Int32(n) => row.push_bind(n),
                    Param::Bool(b) => row.push_bind(b),
                    Param::Json(value) => row.push_bind(Json(value)),
                    Param::Day(day) => row.push_bind(day).push_unseparated("::date"),
                };
            }
        });
        query.push(tail);
        query.build().execute(self).await?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl Db for SqliteConnection {
    async fn fetch_all<R: Decoded>(
        &mut self,
        statement: Statement<'_>,
    ) -> Result<Vec<R>, StoreError> {
        let args = sqlite_arguments(statement.params).map_err(sqlx::Error::Encode)?;
        Ok(sqlx::query_as_with(&statement.sql, args)
            .fetch_all(self)
            .await?)
    }

    async fn fetch_optional<R: Decoded>(
        &mut self,
        statement: Statement<'_>,
    ) -> Result<Option<R>, StoreError> {
        let args = sqlite_arguments(statement.params).map_err(sqlx::Error::Encode)?;
        Ok(sqlx::query_as_with(&statement.sql, args)
            .fetch_optional(self)
            .await?)
    }

    async fn execute(&mut self, statement: Statement<'_>) -> Result<u64, StoreError> {
        let args = sqlite_arguments(statement.params).map_err(sqlx::Error::Encode)?;
        let done = sqlx::query_with(&statement.sql, args).execute(self).await?;
        Ok(done.rows_affected())
    }

    async fn insert_rows(
        &mut self,
        head: &str,
        rows: Vec<Vec<Param>>,
        tail: &str,
    ) -> Result<(), StoreError> {
        let mut query = QueryBuilder::<Sqlite>::new(head);
        query.push_values(rows, |mut row, params| {
            for param in params {
                match param {
                    Param::Id(id) => row.push_bind(id.map(|id| id.hyphenated())),
                    Param::Ids(ids) => row.push_bind(id_list(&ids)),
                    Param::Texts(texts) => row.push_bind(Value::from(texts).to_string()),
                    Param::Text(text) | Param::Day(text) => row.push_bind(text),
                    Param::Int(n) => row.push_bind(n),
                    Param::Int32(n) => row.push_bind(n),
                    Param::Bool(b) => row.push_bind(b),
                    Param::Json(value) => row.push_bind(Json(value)),
                };
            }
        });
        query.push(tail);
        query.build().execute(self).await?;
        Ok(())
    }
}

/// An id column, as either backend stores it (`UUID`, or hyphenated text on SQLite).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Id(pub Uuid);

impl From<Id> for Uuid {
    fn from(id: Id) -> Uuid {
        id.0
    }
}

impl Type<Postgres> for Id {
    fn type_info() -> PgTypeInfo {
        <Uuid as Type<Postgres>>::type_info()
    }
}

impl<'r> Decode<'r, Postgres> for Id {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(Id(<Uuid as Decode<Postgres>>::decode(value)?))
    }
}

impl Type<Sqlite> for Id {
    fn type_info() -> SqliteTypeInfo {
        <Hyphenated as Type<Sqlite>>::type_info()
    }
}

impl<'r> Decode<'r, Sqlite> for Id {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(Id(
            <Hyphenated as Decode<Sqlite>>::decode(value)?.into_uuid()
        ))
    }
}
