use clap::Parser;

#[tokio::main]
async fn main() {
    let cli = chinaums_mock::cli::Cli::parse();
    std::process::exit(chinaums_mock::cli::run(cli).await);
}
