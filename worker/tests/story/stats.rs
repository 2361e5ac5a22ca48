//! The evaluation figures: exact for supervisors, suppressed for viewers, none for officers.

use crate::common::records::{activity, upsert};
use crate::common::{assert_error, Device, TestServer};
use gugus_model::api::Role;
use reqwest_native::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

crate::on_both_backends!(
    supervisors_get_exact_figures,
    viewers_get_suppressed_figures_and_officers_none,
    the_period_is_checked,
);

const PERIOD: &str = "/stats/activities?from=2025-01-01&to=2025-03-31";

/// Three activities in the first quarter of 2025 (two in Mrebet, one in Kemangkon) and one
/// just before it; answers the officer who pushed them.
async fn seed(server: &TestServer) -> anyhow::Result<Device> {
    let officer = server.user("petugas", Role::Officer).await?;
    let data = [
        ("33.03.08", "2025-02-01", (20, 10, 3, 2)),
        ("33.03.08", "2025-02-15", (6, 4, 0, 0)),
        ("33.03.01", "2025-03-01", (2, 1, 1, 0)),
        ("33.03.08", "2024-12-31", (50, 50, 0, 0)),
    ];
    let mutations = data
        .iter()
        .enumerate()
        .map(|(i, (kec, date, counts))| {
            upsert(
                i as u64 + 1,
                Uuid::now_v7(),
                0,
                activity(kec, date, *counts),
            )
        })
        .collect();
    let (status, answer) = server.push(&officer, mutations).await?;
    anyhow::ensure!(status == StatusCode::OK, "{answer}");
    Ok(officer)
}

/// The row of one kecamatan.
fn row(stats: &Value, code: &str) -> Value {
    let rows = stats["rows"].as_array().cloned().unwrap_or_default();
    rows.into_iter()
        .find(|r| r["kecamatan"] == code)
        .unwrap_or(Value::Null)
}

async fn supervisors_get_exact_figures(server: &TestServer) -> anyhow::Result<()> {
    seed(server).await?;
    let ketua = server.user("ketua", Role::Supervisor).await?;
    let (status, stats) = server.get(PERIOD, Some(&ketua.token)).await?;
    assert_eq!(status, StatusCode::OK, "{stats}");
    assert_eq!(
        (&stats["from"], &stats["to"], &stats["suppressed"]),
        (&json!("2025-01-01"), &json!("2025-03-31"), &json!(false))
    );
    assert_eq!(stats["rows"].as_array().map(Vec::len), Some(18));
    let mrebet = json!({"kecamatan": "33.03.08", "name": "Mrebet", "activities": 2,
                        "participants": 45, "female": 29, "male": 16, "children": 5});
    assert_eq!(row(&stats, "33.03.08"), mrebet);
    let kemangkon = row(&stats, "33.03.01");
    assert_eq!(
        (&kemangkon["activities"], &kemangkon["participants"]),
        (&json!(1), &json!(4))
    );
    assert_eq!(
        row(&stats, "33.03.02")["activities"],
        0,
        "zero rows are there"
    );
    let total = &stats["total"];
    assert_eq!(
        (
            &total["kecamatan"],
            &total["activities"],
            &total["participants"]
        ),
        (&json!("33.03"), &json!(3), &json!(49))
    );
    Ok(())
}

async fn viewers_get_suppressed_figures_and_officers_none(
    server: &TestServer,
) -> anyhow::Result<()> {
    let officer = seed(server).await?;
    let answer = server.get(PERIOD, Some(&officer.token)).await?;
    assert_error(&answer, StatusCode::FORBIDDEN, "forbidden");
    let viewer = server.user("bupati", Role::Viewer).await?;
    let (status, hidden) = server.get(PERIOD, Some(&viewer.token)).await?;
    assert_eq!(
        (status, &hidden["suppressed"]),
        (StatusCode::OK, &json!(true))
    );
    let mrebet = row(&hidden, "33.03.08");
    assert_eq!(
        mrebet["activities"],
        Value::Null,
        "2 activities is a small cell"
    );
    assert_eq!(mrebet["children"], Value::Null);
    assert_eq!(row(&hidden, "33.03.01")["participants"], Value::Null);
    assert_eq!(row(&hidden, "33.03.02")["activities"], 0, "zero is shown");
    assert_eq!(
        hidden["total"]["activities"],
        Value::Null,
        "it would reveal a cell"
    );
    // Any range of days would let two answers differ by one hidden month (the review's
    // July–February and July–March): a viewer gets whole months, quarters and years.
    for range in [
        "from=2024-07-01&to=2025-02-28",
        "from=2025-01-01&to=2025-02-27",
        "from=2025-01-02&to=2025-01-31",
        "from=2025-02-01&to=2025-03-31",
    ] {
        let answer = server
            .get(&format!("/stats/activities?{range}"), Some(&viewer.token))
            .await?;
        assert_error(&answer, StatusCode::BAD_REQUEST, "bad_request");
    }
    // Each answer is the evaluation page's own figures of the period, hidden cells and all:
    // nothing one shows is hidden by the other.
    for (period, from, to) in [
        ("2025", "2025-01-01", "2025-12-31"),
        ("2025-Q1", "2025-01-01", "2025-03-31"),
        ("2025-02", "2025-02-01", "2025-02-28"),
        ("2025-03", "2025-03-01", "2025-03-31"),
        ("2024-12", "2024-12-01", "2024-12-31"),
    ] {
        let path = format!("/stats/activities?from={from}&to={to}");
        let (status, table) = server.get(&path, Some(&viewer.token)).await?;
        assert_eq!(status, StatusCode::OK, "{period}: {table}");
        let mut areas: Vec<Value> = table["rows"].as_array().cloned().unwrap_or_default();
        areas.push(table["total"].clone());
        assert_eq!(areas.len(), 19);
        for area in areas {
            let code = area["kecamatan"].as_str().unwrap_or_default().to_owned();
            let path = format!("/stats?period={period}&area={code}");
            let (status, figures) = server.get(&path, Some(&viewer.token)).await?;
            assert_eq!(status, StatusCode::OK, "{figures}");
            let (activities, people) = (
                &figures["activities"],
                &figures["activities"]["participants"],
            );
            let page = json!({
                "activities": activities["total"], "participants": people["total"],
                "female": people["female"], "male": people["male"], "children": people["children"],
            });
            for cell in ["activities", "participants", "female", "male", "children"] {
                assert_eq!(area[cell], page[cell], "{period} {code} {cell}");
                assert!(
                    !matches!(area[cell].as_u64(), Some(1..=10)),
                    "{period} {code} {cell} shows {}",
                    area[cell]
                );
            }
        }
    }
    Ok(())
}

async fn the_period_is_checked(server: &TestServer) -> anyhow::Result<()> {
    let ketua = server.user("ketua", Role::Supervisor).await?;
    for bad in [
        "?from=2025-02-30&to=2025-03-01",
        "?from=2025-03-01&to=2025-02-01",
        "?to=2025-03-01",
        "?from=yesterday&to=2025-03-01",
    ] {
        let path = format!("/stats/activities{bad}");
        let answer = server.get(&path, Some(&ketua.token)).await?;
        assert_error(&answer, StatusCode::BAD_REQUEST, "bad_request");
    }
    let (status, _) = server
        .get(
            "/stats/activities?from=2025-03-01&to=2025-03-01",
            Some(&ketua.token),
        )
        .await?;
    assert_eq!(status, StatusCode::OK, "a one-day period");
    Ok(())
}
