// Placeholder: replaced by the real harness (Temporal dev server + embedded PostgreSQL).
export default async function globalSetup(): Promise<void> {}
