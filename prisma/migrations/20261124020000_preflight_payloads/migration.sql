-- CreateTable
CREATE TABLE "preflight_payloads" (
    "id" TEXT NOT NULL,
    "venue" TEXT NOT NULL,
    "client_order_id" TEXT,
    "method" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "body" TEXT,
    "headers" JSONB NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "preflight_payloads_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "preflight_payloads_client_order_id_idx" ON "preflight_payloads"("client_order_id");
