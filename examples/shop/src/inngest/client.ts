import { EventSchemas, Inngest } from "inngest";

type OrderLine = { sku: string; quantity: number; unitPriceCents: number };

type Events = {
  "shop/order.placed": { data: { orderId: string; customerId: string; email: string; lines: OrderLine[] } };
  "shop/order.shipped": { data: { orderId: string; carrier: string; trackingNumber: string } };
  "shop/order.delivered": { data: { orderId: string } };
  "shop/refund.approved": { data: { orderId: string; amountCents: number } };
  "shop/cart.updated": { data: { cartId: string; customerId: string; items: OrderLine[] } };
  "shop/checkout.completed": { data: { cartId: string; orderId: string } };
  "shop/review.window.opened": { data: { orderId: string; customerId: string } };
};

export const inngest = new Inngest({
  id: "shop",
  schemas: new EventSchemas().fromRecord<Events>(),
});
