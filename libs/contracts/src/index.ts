/**
 * @ballast/contracts: the platform's gRPC and event contracts, generated from `proto/`
 * by buf and protoc-gen-es (see `npm run generate`). This file names the public API;
 * the generated code under `generated/` is never edited by hand.
 *
 * @example
 * import { create, toBinary } from '@bufbuild/protobuf';
 * import { PredictionEventSchema } from '@ballast/contracts';
 * const bytes = toBinary(PredictionEventSchema, create(PredictionEventSchema, { eventId: 'e1' }));
 */

// Open Inference Protocol (KServe V2) with Triton's repository calls
export type {
  InferParameter,
  InferTensorContents,
  ModelInferRequest,
  ModelInferRequest_InferInputTensor,
  ModelInferRequest_InferRequestedOutputTensor,
  ModelInferResponse,
  ModelInferResponse_InferOutputTensor,
  ModelMetadataRequest,
  ModelMetadataResponse,
  ModelMetadataResponse_TensorMetadata,
  ModelReadyRequest,
  ModelReadyResponse,
  ModelRepositoryParameter,
  RepositoryIndexRequest,
  RepositoryIndexResponse,
  RepositoryIndexResponse_ModelIndex,
  RepositoryModelLoadRequest,
  RepositoryModelLoadResponse,
  RepositoryModelUnloadRequest,
  RepositoryModelUnloadResponse,
  ServerLiveRequest,
  ServerLiveResponse,
  ServerMetadataRequest,
  ServerMetadataResponse,
  ServerReadyRequest,
  ServerReadyResponse,
} from './generated/inference/grpc_service_pb';
export {
  GRPCInferenceService,
  InferParameterSchema,
  InferTensorContentsSchema,
  ModelInferRequestSchema,
  ModelInferRequest_InferInputTensorSchema,
  ModelInferRequest_InferRequestedOutputTensorSchema,
  ModelInferResponseSchema,
  ModelInferResponse_InferOutputTensorSchema,
  ModelMetadataRequestSchema,
  ModelMetadataResponseSchema,
  ModelMetadataResponse_TensorMetadataSchema,
  ModelReadyRequestSchema,
  ModelReadyResponseSchema,
  ModelRepositoryParameterSchema,
  RepositoryIndexRequestSchema,
  RepositoryIndexResponseSchema,
  RepositoryIndexResponse_ModelIndexSchema,
  RepositoryModelLoadRequestSchema,
  RepositoryModelLoadResponseSchema,
  RepositoryModelUnloadRequestSchema,
  RepositoryModelUnloadResponseSchema,
  ServerLiveRequestSchema,
  ServerLiveResponseSchema,
  ServerMetadataRequestSchema,
  ServerMetadataResponseSchema,
  ServerReadyRequestSchema,
  ServerReadyResponseSchema,
} from './generated/inference/grpc_service_pb';

// Deployments: how traffic for a model name is served
export type {
  CanaryStrategy,
  Deployment,
  ExperimentStrategy,
  ExperimentVariant,
  ModelVersionRef,
  ReplaceStrategy,
  ShadowStrategy,
} from './generated/ballast/control/v1/deployment_pb';
export {
  CanaryStrategySchema,
  DeploymentSchema,
  ExperimentState,
  ExperimentStateSchema,
  ExperimentStrategySchema,
  ExperimentVariantSchema,
  ModelVersionRefSchema,
  ReplaceStrategySchema,
  ShadowStrategySchema,
} from './generated/ballast/control/v1/deployment_pb';

// Events on the platform's Kafka topics
export type {
  CategoricalFeature,
  ControlEvent,
  DriftAlert,
  ModelRef,
  NumericFeature,
  OutcomeEvent,
  OutputValue,
  PredictionEvent,
} from './generated/ballast/events/v1/events_pb';
export {
  CategoricalFeatureSchema,
  ControlEventSchema,
  DriftAlertSchema,
  ModelRefSchema,
  NumericFeatureSchema,
  OutcomeEventSchema,
  OutputValueSchema,
  PredictionEventSchema,
  Role,
  RoleSchema,
  Severity,
  SeveritySchema,
} from './generated/ballast/events/v1/events_pb';

// The control API (registry, deployments, audit history)
export type {
  AuditEntry,
  ChangeContext,
  DeployRequest,
  DeployResponse,
  DescribeModelRequest,
  DescribeModelResponse,
  FeatureInfo,
  GetDeploymentRequest,
  GetDeploymentResponse,
  HistoryRequest,
  HistoryResponse,
  ListDeploymentsRequest,
  ListDeploymentsResponse,
  ListModelsRequest,
  ListModelsResponse,
  ModelSummary,
  ModelVersionInfo,
  PromoteRequest,
  PromoteResponse,
  RegisterModelVersionRequest,
  RegisterModelVersionResponse,
  RollbackRequest,
  RollbackResponse,
  SetExperimentStateRequest,
  SetExperimentStateResponse,
} from './generated/ballast/control/v1/control_service_pb';
export {
  AuditEntrySchema,
  ChangeContextSchema,
  ControlService,
  DeployRequestSchema,
  DeployResponseSchema,
  DescribeModelRequestSchema,
  DescribeModelResponseSchema,
  FeatureInfoSchema,
  GetDeploymentRequestSchema,
  GetDeploymentResponseSchema,
  HistoryRequestSchema,
  HistoryResponseSchema,
  ListDeploymentsRequestSchema,
  ListDeploymentsResponseSchema,
  ListModelsRequestSchema,
  ListModelsResponseSchema,
  ModelSummarySchema,
  ModelVersionInfoSchema,
  PromoteRequestSchema,
  PromoteResponseSchema,
  RegisterModelVersionRequestSchema,
  RegisterModelVersionResponseSchema,
  RollbackRequestSchema,
  RollbackResponseSchema,
  SetExperimentStateRequestSchema,
  SetExperimentStateResponseSchema,
} from './generated/ballast/control/v1/control_service_pb';

// Outcomes reported by product services (served by the router)
export type {
  Outcome,
  RecordOutcomesRequest,
  RecordOutcomesResponse,
} from './generated/ballast/outcomes/v1/outcome_service_pb';
export {
  OutcomeSchema,
  OutcomeService,
  RecordOutcomesRequestSchema,
  RecordOutcomesResponseSchema,
} from './generated/ballast/outcomes/v1/outcome_service_pb';

// Experiment reports and traffic rates (served by experiment-analytics)
export type {
  Comparison,
  Decision,
  ExperimentReport,
  ExperimentSummary,
  GetExperimentReportRequest,
  GetExperimentReportResponse,
  GetTrafficRateRequest,
  GetTrafficRateResponse,
  GuardrailCheck,
  Interval,
  ListExperimentsRequest,
  ListExperimentsResponse,
  MetricResult,
  SampleRatioMismatch,
  TimelinePoint,
  Variant,
  VariantResult,
} from './generated/ballast/experiments/v1/experiment_service_pb';
export {
  ComparisonSchema,
  DecisionSchema,
  ExperimentReportSchema,
  ExperimentService,
  ExperimentSummarySchema,
  GetExperimentReportRequestSchema,
  GetExperimentReportResponseSchema,
  GetTrafficRateRequestSchema,
  GetTrafficRateResponseSchema,
  GuardrailCheckSchema,
  IntervalSchema,
  ListExperimentsRequestSchema,
  ListExperimentsResponseSchema,
  MetricResultSchema,
  SampleRatioMismatchSchema,
  TimelinePointSchema,
  VariantResultSchema,
  VariantSchema,
} from './generated/ballast/experiments/v1/experiment_service_pb';

// Drift reports (served by drift-analysis)
export type {
  DriftWindow,
  FeatureHistogram,
  GetDriftReportRequest,
  GetDriftReportResponse,
  ListMonitorsRequest,
  ListMonitorsResponse,
  MethodResult,
  MonitorSummary,
  StatusPoint,
  TimeRange,
} from './generated/ballast/drift/v1/drift_service_pb';
export {
  DriftService,
  DriftWindowSchema,
  FeatureHistogramSchema,
  GetDriftReportRequestSchema,
  GetDriftReportResponseSchema,
  ListMonitorsRequestSchema,
  ListMonitorsResponseSchema,
  MethodResultSchema,
  MonitorSummarySchema,
  StatusPointSchema,
  TimeRangeSchema,
} from './generated/ballast/drift/v1/drift_service_pb';
