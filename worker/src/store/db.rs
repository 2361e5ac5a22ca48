//! One way to run a statement on either backend: [`Db`], a connection of SQLite or
//! PostgreSQL, runs a [`Statement`] whose [`Param`]s it binds as its backend stores them
//! ([`Binds`]: an id as a `UUID` on PostgreSQL and as hyphenated text on SQLite, a list as
//! an array or as a JSON array, JSON as `JSONB` or as text), and decodes rows into types
//! that read on both ([`Decoded`], with ids as [`Id`]). `Db` is implemented once, for the
//! connections of both; code over it is written once.

use super::StoreError;
use serde_json::value::RawValue;
use serde_json::Value;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgQueryResult, PgRow, PgTypeInfo, PgValueRef};
use sqlx::sqlite::SqliteValueRef;
use sqlx::sqlite::{SqliteQueryResult, SqliteRow, SqliteTypeInfo};
use sqlx::types::Json;
use sqlx::{Arguments, Connection, Database, Decode, Encode, Executor, FromRow, IntoArguments};
use sqlx::{Postgres, Sqlite, Type};
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
    Json(Box<RawValue>),
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
        // A JSON value always has a JSON text.
        let text = value.to_string();
        Param::Json(RawValue::from_string(text).unwrap_or_else(|_| RawValue::NULL.to_owned()))
    }
}

/// A value as its JSON text, written once: bound as JSON on either backend with no copy of
/// the value itself (a record's fields are the bulk of a push).
pub(super) fn raw_json(value: &impl serde::Serialize) -> Result<Box<RawValue>, StoreError> {
    serde_json::value::to_raw_value(value)
        .map_err(|e| StoreError::Corrupt(format!("unserialisable: {e}")))
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

/// How a backend binds [`Param`]s and decodes [`Decoded`] rows.
pub(super) trait Binds: Database {
    /// An id (or none) as bound.
    type Id: for<'q> Encode<'q, Self> + Type<Self> + Send + 'static;
    /// A list of ids as bound.
    type Ids: for<'q> Encode<'q, Self> + Type<Self> + Send + 'static;
    /// A list of texts as bound.
    type Texts: for<'q> Encode<'q, Self> + Type<Self> + Send + 'static;
    /// What follows a day's parameter (`Param::Day`) to make it a day.
    const DAY_CAST: &'static str;
    /// The `n`-th parameter of a multi-row insert (whose head and tail have none). On
    /// SQLite an anonymous `?`: a numbered or named one (`?1`, `$1`) is listed by the
    /// statement, and binding looks each up in that list, so a statement of thousands of
    /// parameters costs time squared in their number (a push of 1,000 activities took
    /// 190 ms instead of 29).
    fn placeholder(n: usize) -> String;
    /// An id (or none), to bind.
    fn id(id: Option<Uuid>) -> Self::Id;
    /// Ids, to bind.
    fn ids(ids: Vec<Uuid>) -> Self::Ids;
    /// Texts, to bind.
    fn texts(texts: Vec<String>) -> Self::Texts;
    /// A row, decoded.
    fn decode<R: Decoded>(row: &Self::Row) -> Result<R, sqlx::Error>;
    /// How many rows a statement changed.
    fn rows_affected(done: &Self::QueryResult) -> u64;
}

impl Binds for Postgres {
    type Id = Option<Uuid>;
    type Ids = Vec<Uuid>;
    type Texts = Vec<String>;
    const DAY_CAST: &'static str = "::date";

    fn placeholder(n: usize) -> String {
        format!("${n}")
    }

    fn id(id: Option<Uuid>) -> Option<Uuid> {
        id
    }

    fn ids(ids: Vec<Uuid>) -> Vec<Uuid> {
        ids
    }

    fn texts(texts: Vec<String>) -> Vec<String> {
        texts
    }

    fn decode<R: Decoded>(row: &PgRow) -> Result<R, sqlx::Error> {
        R::from_row(row)
    }

    fn rows_affected(done: &PgQueryResult) -> u64 {
        done.rows_affected()
    }
}

impl Binds for Sqlite {
    type Id = Option<Hyphenated>;
    type Ids = String;
    type Texts = String;
    const DAY_CAST: &'static str = "";

    fn placeholder(_: usize) -> String {
        "?".to_owned()
    }

    fn id(id: Option<Uuid>) -> Option<Hyphenated> {
        id.map(|id| id.hyphenated())
    }

    fn ids(ids: Vec<Uuid>) -> String {
        let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
        Value::from(ids).to_string()
    }

    fn texts(texts: Vec<String>) -> String {
        Value::from(texts).to_string()
    }

    fn decode<R: Decoded>(row: &SqliteRow) -> Result<R, sqlx::Error> {
        R::from_row(row)
    }

    fn rows_affected(done: &SqliteQueryResult) -> u64 {
        done.rows_affected()
    }
}

/// The parameters, bound as backend `DB` stores them.
fn arguments<'q, DB: Binds>(params: Vec<Param>) -> Result<DB::Arguments<'q>, BoxDynError>
where
    Option<String>: Encode<'q, DB> + Type<DB>,
    Option<i64>: Encode<'q, DB> + Type<DB>,
    i32: Encode<'q, DB> + Type<DB>,
    bool: Encode<'q, DB> + Type<DB>,
    Json<Box<RawValue>>: Encode<'q, DB> + Type<DB>,
{
    let mut args = DB::Arguments::default();
    for param in params {
        match param {
            Param::Id(id) => args.add(DB::id(id))?,
            Param::Ids(ids) => args.add(DB::ids(ids))?,
            Param::Texts(texts) => args.add(DB::texts(texts))?,
            Param::Text(text) | Param::Day(text) => args.add(text)?,
            Param::Int(n) => args.add(n)?,
            Param::Int32(n) => args.add(n)?,
            Param::Bool(b) => args.add(b)?,
            Param::Json(value) => args.add(Json(value))?,
        }
    }
    Ok(args)
}

#[async_trait::async_trait]
impl<C> Db for C
where
    C: Connection,
    C::Database: Binds,
    for<'c> &'c mut C: Executor<'c, Database = C::Database>,
    for<'q> <C::Database as Database>::Arguments<'q>: IntoArguments<'q, C::Database>,
    for<'q> Option<String>: Encode<'q, C::Database> + Type<C::Database>,
    for<'q> Option<i64>: Encode<'q, C::Database> + Type<C::Database>,
    for<'q> i32: Encode<'q, C::Database> + Type<C::Database>,
    for<'q> bool: Encode<'q, C::Database> + Type<C::Database>,
    for<'q> Json<Box<RawValue>>: Encode<'q, C::Database> + Type<C::Database>,
{
    async fn fetch_all<R: Decoded>(
        &mut self,
        statement: Statement<'_>,
    ) -> Result<Vec<R>, StoreError> {
        let args = arguments::<C::Database>(statement.params).map_err(sqlx::Error::Encode)?;
        let rows = sqlx::query_with(&statement.sql, args)
            .fetch_all(self)
            .await?;
        let rows: Result<Vec<R>, sqlx::Error> = rows.iter().map(C::Database::decode).collect();
        Ok(rows?)
    }

    async fn fetch_optional<R: Decoded>(
        &mut self,
        statement: Statement<'_>,
    ) -> Result<Option<R>, StoreError> {
        let args = arguments::<C::Database>(statement.params).map_err(sqlx::Error::Encode)?;
        let row = sqlx::query_with(&statement.sql, args)
            .fetch_optional(self)
            .await?;
        Ok(row.as_ref().map(C::Database::decode).transpose()?)
    }

    async fn execute(&mut self, statement: Statement<'_>) -> Result<u64, StoreError> {
        let args = arguments::<C::Database>(statement.params).map_err(sqlx::Error::Encode)?;
        let done = sqlx::query_with(&statement.sql, args).execute(self).await?;
        Ok(C::Database::rows_affected(&done))
    }

    async fn insert_rows(
        &mut self,
        head: &str,
        rows: Vec<Vec<Param>>,
        tail: &str,
    ) -> Result<(), StoreError> {
        let mut sql = format!("{head}VALUES ");
        let mut n = 0;
        for (i, row) in rows.iter().enumerate() {
            sql.push_str(if i == 0 { "(" } else { ", (" });
            for (j, param) in row.iter().enumerate() {
                n += 1;
                let cast = match param {
                    Param::Day(_) => C::Database::DAY_CAST,
                    _ => "",
                };
                let separator = if j == 0 { "" } else { ", " };
                let placeholder = C::Database::placeholder(n);
                sql.push_str(&format!("{separator}{placeholder}{cast}"));
            }
            sql.push(')');
        }
        sql.push_str(tail);
        let params = rows.into_iter().flatten().collect();
        let statement = Statement {
            sql: sql.into(),
            params,
        };
        Db::execute(self, statement).await?;
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

#[cfg(test)]
mod tests {
    use super::{query, Db, Id, Param};
    use serde_json::Value;
    use sqlx::sqlite::SqlitePoolOptions;
    use sqlx::types::Json;
    use sqlx::SqliteConnection;
    use uuid::Uuid;

    /// SQLite keeps ids and JSON as the text its files always held (an existing file
    /// reads on), and reads them back as they were bound.
    #[tokio::test]
    async fn sqlite_binds_ids_and_json_as_text() {
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .expect("memory database");
        let mut conn = pool.acquire().await.expect("connection");
        let db: &mut SqliteConnection = &mut conn;
        db.execute(query("CREATE TABLE t (id TEXT, other TEXT, detail TEXT)"))
            .await
            .expect("table");
        let (id, other) = (Uuid::now_v7(), Uuid::now_v7());
        let detail = serde_json::json!({"b": 1, "a": [true, null]});
        let row = vec![
            Param::from(other),
            Param::from(None::<Uuid>),
            Param::Int(None),
        ];
        db.insert_rows("INSERT INTO t (id, other, detail) ", vec![row], "")
            .await
            .expect("multi-row insert");
        let insert = query("INSERT INTO t (id, other, detail) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(None::<Uuid>)
            .bind(detail.clone());
        db.execute(insert).await.expect("insert");
        let stored: (String, String, String) = db
            .fetch_one(query(
                "SELECT typeof(id), id, detail FROM t WHERE detail IS NOT NULL",
            ))
            .await
            .expect("stored");
        assert_eq!(stored, ("text".into(), id.to_string(), detail.to_string()));
        let read: (Id, Option<Id>, Json<Value>) = db
            .fetch_one(query("SELECT id, other, detail FROM t WHERE id = $1").bind(id))
            .await
            .expect("read");
        assert_eq!((read.0, read.1, read.2 .0), (Id(id), None, detail));
        let listed: Vec<(Id,)> = db
            .fetch_all(
                query("SELECT id FROM t WHERE id IN (SELECT value FROM json_each($1))")
                    .bind(&[id, other][..]),
            )
            .await
            .expect("listed");
        assert_eq!(listed.len(), 2);
    }
}
