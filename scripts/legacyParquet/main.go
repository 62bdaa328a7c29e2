// Writes tests/fixtures/billing-export/google-shapes/detailed-202106-repeated-groups.parquet: the
// detailed export's NDJSON fixture beside it, every field, as Parquet whose repeated records are
// bare repeated groups (`repeated group labels { key; value }`, no LIST annotation): the layout
// Google's export page describes ("repeated records become repeated groups") and that the Parquet
// format's backward-compatibility rules read as a list of the group. DuckDB (which writes the other
// Parquet fixture) only writes three-level LIST groups, hence this small Go program:
//
//	cd scripts/legacyParquet && go run .
//
// TIMESTAMP columns are INT64 timestamps (microseconds, UTC) and NUMERIC ones DECIMAL(38,9), as
// BigQuery's Parquet export maps them.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
)

type keyValue struct {
	Key   *string `parquet:"key,optional" json:"key"`
	Value *string `parquet:"value,optional" json:"value"`
}

type idDescription struct {
	ID          *string `parquet:"id,optional" json:"id"`
	Description *string `parquet:"description,optional" json:"description"`
}

type ancestor struct {
	ResourceName *string `parquet:"resource_name,optional" json:"resource_name"`
	DisplayName  *string `parquet:"display_name,optional" json:"display_name"`
}

type project struct {
	ID              *string    `parquet:"id,optional" json:"id"`
	Number          *string    `parquet:"number,optional" json:"number"`
	Name            *string    `parquet:"name,optional" json:"name"`
	Labels          []keyValue `parquet:"labels" json:"labels"`
	AncestryNumbers *string    `parquet:"ancestry_numbers,optional" json:"ancestry_numbers"`
	Ancestors       []ancestor `parquet:"ancestors" json:"ancestors"`
}

type location struct {
	Location *string `parquet:"location,optional" json:"location"`
	Country  *string `parquet:"country,optional" json:"country"`
	Region   *string `parquet:"region,optional" json:"region"`
	Zone     *string `parquet:"zone,optional" json:"zone"`
}

type tag struct {
	Key       *string `parquet:"key,optional" json:"key"`
	Value     *string `parquet:"value,optional" json:"value"`
	Inherited *bool   `parquet:"inherited,optional" json:"inherited"`
	Namespace *string `parquet:"namespace,optional" json:"namespace"`
}

type usage struct {
	Amount               *float64 `parquet:"amount,optional" json:"amount"`
	Unit                 *string  `parquet:"unit,optional" json:"unit"`
	AmountInPricingUnits *float64 `parquet:"amount_in_pricing_units,optional" json:"amount_in_pricing_units"`
	PricingUnit          *string  `parquet:"pricing_unit,optional" json:"pricing_unit"`
}

type credit struct {
	Name     *string  `parquet:"name,optional" json:"name"`
	Amount   *float64 `parquet:"amount,optional" json:"amount"`
	FullName *string  `parquet:"full_name,optional" json:"full_name"`
	ID       *string  `parquet:"id,optional" json:"id"`
	Type     *string  `parquet:"type,optional" json:"type"`
}

type invoice struct {
	Month         *string `parquet:"month,optional" json:"month"`
	PublisherType *string `parquet:"publisher_type,optional" json:"publisher_type"`
}

type adjustmentInfo struct {
	ID          *string `parquet:"id,optional" json:"id"`
	Description *string `parquet:"description,optional" json:"description"`
	Mode        *string `parquet:"mode,optional" json:"mode"`
	Type        *string `parquet:"type,optional" json:"type"`
}

type resource struct {
	Name       *string `parquet:"name,optional" json:"name"`
	GlobalName *string `parquet:"global_name,optional" json:"global_name"`
}

// numeric is BigQuery's NUMERIC: DECIMAL(38,9), a 16-byte big-endian two's complement of the value
// times 10^9. In the NDJSON it is a string holding the decimal.
type numeric = *[16]byte

type price struct {
	EffectivePrice      numeric `parquet:"effective_price,optional,decimal(9:38)"`
	TierStartAmount     numeric `parquet:"tier_start_amount,optional,decimal(9:38)"`
	Unit                *string `parquet:"unit,optional"`
	PricingUnitQuantity numeric `parquet:"pricing_unit_quantity,optional,decimal(9:38)"`
}

type subscription struct {
	InstanceID *string `parquet:"instance_id,optional" json:"instance_id"`
}

// row is one row of the detailed export, in the schema's order. The NDJSON decodes straight into
// it, but for its TIMESTAMP and NUMERIC fields (`json:"-"`), which the NDJSON holds as text
// (textFields) and the Parquet as INT64 timestamps and decimals.
type row struct {
	BillingAccountID            *string         `parquet:"billing_account_id,optional" json:"billing_account_id"`
	Service                     *idDescription  `parquet:"service,optional" json:"service"`
	Sku                         *idDescription  `parquet:"sku,optional" json:"sku"`
	UsageStartTime              *time.Time      `parquet:"usage_start_time,optional,timestamp(microsecond)" json:"-"`
	UsageEndTime                *time.Time      `parquet:"usage_end_time,optional,timestamp(microsecond)" json:"-"`
	Project                     *project        `parquet:"project,optional" json:"project"`
	Labels                      []keyValue      `parquet:"labels" json:"labels"`
	SystemLabels                []keyValue      `parquet:"system_labels" json:"system_labels"`
	Location                    *location       `parquet:"location,optional" json:"location"`
	Tags                        []tag           `parquet:"tags" json:"tags"`
	TransactionType             *string         `parquet:"transaction_type,optional" json:"transaction_type"`
	SellerName                  *string         `parquet:"seller_name,optional" json:"seller_name"`
	ExportTime                  *time.Time      `parquet:"export_time,optional,timestamp(microsecond)" json:"-"`
	Cost                        *float64        `parquet:"cost,optional" json:"cost"`
	Currency                    *string         `parquet:"currency,optional" json:"currency"`
	CurrencyConversionRate      *float64        `parquet:"currency_conversion_rate,optional" json:"currency_conversion_rate"`
	Usage                       *usage          `parquet:"usage,optional" json:"usage"`
	Credits                     []credit        `parquet:"credits" json:"credits"`
	Invoice                     *invoice        `parquet:"invoice,optional" json:"invoice"`
	CostType                    *string         `parquet:"cost_type,optional" json:"cost_type"`
	AdjustmentInfo              *adjustmentInfo `parquet:"adjustment_info,optional" json:"adjustment_info"`
	CostAtList                  *float64        `parquet:"cost_at_list,optional" json:"cost_at_list"`
	Resource                    *resource       `parquet:"resource,optional" json:"resource"`
	Price                       *price          `parquet:"price,optional" json:"-"`
	CostAtEffectivePriceDefault numeric         `parquet:"cost_at_effective_price_default,optional,decimal(9:38)" json:"-"`
	ConsumptionModel            *idDescription  `parquet:"consumption_model,optional" json:"consumption_model"`
	Subscription                *subscription   `parquet:"subscription,optional" json:"subscription"`
}

// textFields are the fields of an NDJSON line that row converts: timestamps and NUMERIC values as text.
type textFields struct {
	UsageStartTime *string `json:"usage_start_time"`
	UsageEndTime   *string `json:"usage_end_time"`
	ExportTime     *string `json:"export_time"`
	Price          *struct {
		EffectivePrice      *string `json:"effective_price"`
		TierStartAmount     *string `json:"tier_start_amount"`
		Unit                *string `json:"unit"`
		PricingUnitQuantity *string `json:"pricing_unit_quantity"`
	} `json:"price"`
	CostAtEffectivePriceDefault *string `json:"cost_at_effective_price_default"`
}

func timestamp(text *string) *time.Time {
	if text == nil {
		return nil
	}
	parsed, err := time.Parse("2006-01-02 15:04:05.999999 MST", *text)
	if err != nil {
		panic(fmt.Sprintf("timestamp %q: %v", *text, err))
	}
	utc := parsed.UTC()
	return &utc
}

func decimal(text *string) numeric {
	if text == nil {
		return nil
	}
	value, ok := new(big.Rat).SetString(*text)
	if !ok {
		panic(fmt.Sprintf("NUMERIC %q", *text))
	}
	scaled := new(big.Rat).Mul(value, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(9), nil)))
	if !scaled.IsInt() {
		panic(fmt.Sprintf("NUMERIC %q has more than 9 decimals", *text))
	}
	unscaled := scaled.Num()
	var out [16]byte
	// Two's complement over 16 bytes: a negative value is 2^128 + value.
	if unscaled.Sign() < 0 {
		unscaled = new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 128), unscaled)
	}
	unscaled.FillBytes(out[:])
	return &out
}

func main() {
	folder := filepath.Join("..", "..", "tests", "fixtures", "billing-export", "google-shapes")
	source, err := os.Open(filepath.Join(folder, "detailed-202106.json"))
	if err != nil {
		panic(err)
	}
	defer source.Close()
	var rows []row
	lines := bufio.NewScanner(source)
	lines.Buffer(make([]byte, 1<<20), 1<<20)
	for lines.Scan() {
		if strings.TrimSpace(lines.Text()) == "" {
			continue
		}
		var out row
		var text textFields
		for _, target := range []any{&out, &text} {
			if err := json.Unmarshal(lines.Bytes(), target); err != nil {
				panic(err)
			}
		}
		out.UsageStartTime, out.UsageEndTime, out.ExportTime = timestamp(text.UsageStartTime), timestamp(text.UsageEndTime), timestamp(text.ExportTime)
		out.CostAtEffectivePriceDefault = decimal(text.CostAtEffectivePriceDefault)
		if text.Price != nil {
			out.Price = &price{EffectivePrice: decimal(text.Price.EffectivePrice), TierStartAmount: decimal(text.Price.TierStartAmount), Unit: text.Price.Unit, PricingUnitQuantity: decimal(text.Price.PricingUnitQuantity)}
		}
		rows = append(rows, out)
	}
	if err := lines.Err(); err != nil {
		panic(err)
	}
	target := filepath.Join(folder, "detailed-202106-repeated-groups.parquet")
	// Written beside and renamed into place: the fixture is whole or absent.
	partial := target + ".partial"
	file, err := os.Create(partial)
	if err != nil {
		panic(err)
	}
	writer := parquet.NewGenericWriter[row](file)
	if _, err := writer.Write(rows); err != nil {
		panic(err)
	}
	if err := writer.Close(); err != nil {
		panic(err)
	}
	if err := file.Close(); err != nil {
		panic(err)
	}
	if err := os.Rename(partial, target); err != nil {
		panic(err)
	}
	fmt.Printf("%s: %d rows\n", target, len(rows))
}
