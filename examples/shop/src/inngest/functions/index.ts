import { abandonedCart } from "./abandoned-cart";
import { awardLoyaltyPoints } from "./award-loyalty-points";
import { dailySalesReport } from "./daily-sales-report";
import { orderPlaced } from "./order-placed";
import { refundOrder } from "./refund-order";
import { requestReview } from "./request-review";
import { sendOrderEmails } from "./send-order-emails";
import { syncInventory } from "./sync-inventory";
import { trackDelivery } from "./track-delivery";

export const functions = [
  abandonedCart,
  awardLoyaltyPoints,
  dailySalesReport,
  orderPlaced,
  refundOrder,
  requestReview,
  sendOrderEmails,
  syncInventory,
  trackDelivery,
];
