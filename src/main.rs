#[tokio::main]
async fn main() {
    std::process::exit(chinaums_mock::run_cli().await);
}
