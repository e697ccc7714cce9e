# Earlier addresses of the network resources, from when modules/host and modules/eks each
# declared their own VPC. A state that still holds them is moved to the addresses in
# modules/network at the next plan: nothing is destroyed or recreated.

moved {
  from = module.host[0].aws_vpc.this
  to   = module.host_network[0].aws_vpc.this
}

moved {
  from = module.host[0].aws_default_security_group.this
  to   = module.host_network[0].aws_default_security_group.this
}

moved {
  from = module.host[0].aws_internet_gateway.this
  to   = module.host_network[0].aws_internet_gateway.this
}

moved {
  from = module.host[0].aws_subnet.public
  to   = module.host_network[0].aws_subnet.public[0]
}

moved {
  from = module.host[0].aws_route_table.public
  to   = module.host_network[0].aws_route_table.public
}

moved {
  from = module.host[0].aws_route.internet
  to   = module.host_network[0].aws_route.public_internet
}

moved {
  from = module.host[0].aws_route_table_association.public
  to   = module.host_network[0].aws_route_table_association.public[0]
}

moved {
  from = module.eks[0].aws_vpc.this
  to   = module.eks_network[0].aws_vpc.this
}

moved {
  from = module.eks[0].aws_default_security_group.this
  to   = module.eks_network[0].aws_default_security_group.this
}

moved {
  from = module.eks[0].aws_internet_gateway.this
  to   = module.eks_network[0].aws_internet_gateway.this
}

moved {
  from = module.eks[0].aws_subnet.public
  to   = module.eks_network[0].aws_subnet.public
}

moved {
  from = module.eks[0].aws_subnet.private
  to   = module.eks_network[0].aws_subnet.private
}

moved {
  from = module.eks[0].aws_eip.nat
  to   = module.eks_network[0].aws_eip.nat[0]
}

moved {
  from = module.eks[0].aws_nat_gateway.this
  to   = module.eks_network[0].aws_nat_gateway.this[0]
}

moved {
  from = module.eks[0].aws_route_table.public
  to   = module.eks_network[0].aws_route_table.public
}

moved {
  from = module.eks[0].aws_route.public_internet
  to   = module.eks_network[0].aws_route.public_internet
}

moved {
  from = module.eks[0].aws_route_table_association.public
  to   = module.eks_network[0].aws_route_table_association.public
}

moved {
  from = module.eks[0].aws_route_table.private
  to   = module.eks_network[0].aws_route_table.private[0]
}

moved {
  from = module.eks[0].aws_route.private_nat
  to   = module.eks_network[0].aws_route.private_nat[0]
}

moved {
  from = module.eks[0].aws_route_table_association.private
  to   = module.eks_network[0].aws_route_table_association.private
}
